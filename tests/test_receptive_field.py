"""receptive_field against empirical receptive fields and against published values.

The empirical field of an output unit is where the gradient of that unit with respect
to the input is non-zero (PyTorch autograd), with all-ones weights and inputs so that
no contributions cancel. Pooling windows have the geometry of a convolution with the
same kernel, stride, padding and dilation, so they are modelled by one.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import same_pads
from torch import nn

import convlib
from convlib import Layer, receptive_field
from convlib.networks import NETWORKS, PUBLISHED, endpoint_layers, layers


def layer_pads(layer: Layer, size: int) -> tuple[int, int]:
    """A Layer's padding for an input of ``size``, worked out here (not by convlib)."""
    if layer.padding == "valid":
        return 0, 0
    if layer.padding == "same":
        return same_pads((size,), (layer.kernel_size,), (layer.stride,), (layer.dilation,))[0]
    if isinstance(layer.padding, int):
        return layer.padding, layer.padding
    return tuple(layer.padding)


def empirical_extent(stack: list[Layer], length: int, unit: int | None = None):
    """First and last input index whose gradient w.r.t. output ``unit`` is non-zero.

    Also returns the set of such indices and the output length. ``unit`` defaults to
    the middle output, far from every border at every layer.
    """
    x = torch.ones(1, 1, length, dtype=torch.float64, requires_grad=True)
    y = x
    for layer in stack:
        y = F.pad(y, list(layer_pads(layer, y.shape[-1])))
        kernel = torch.ones(1, 1, layer.kernel_size, dtype=torch.float64)
        y = F.conv1d(y, kernel, stride=layer.stride, dilation=layer.dilation)
    unit = y.shape[-1] // 2 if unit is None else unit
    y[0, 0, unit].backward()
    touched = np.flatnonzero(x.grad.numpy().ravel())
    return int(touched[0]), int(touched[-1]), set(touched.tolist()), unit, y.shape[-1]


def random_stack(rng: np.random.Generator) -> list[Layer]:
    stack = []
    for _ in range(int(rng.integers(1, 6))):
        k = int(rng.integers(1, 6))
        s = int(rng.integers(1, 4))
        d = int(rng.integers(1, 4))
        form = rng.integers(4)
        if form == 0:
            padding = int(rng.integers(0, k + 1))
        elif form == 1:
            padding = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
        else:
            padding = ("valid", "same")[form - 2]
        stack.append(Layer(k, s, padding, d))
    return stack


@pytest.mark.parametrize("seed", range(40))
def test_random_stacks_match_the_empirical_field(seed):
    rng = np.random.default_rng(seed)
    stack = random_stack(rng)
    # Long enough that the middle unit is far from the borders at every layer.
    jump = int(np.prod([layer.stride for layer in stack]))
    length = 4 * sum(layer.effective_kernel_size * 3 for layer in stack) * jump + 7 * jump
    rf = receptive_field(stack, input_size=length)
    first, last, touched, unit, out_size = empirical_extent(stack, length)
    assert rf.layers[-1].output_size == out_size
    assert rf.span(unit) == (first, last)
    assert last - first + 1 == rf.size
    assert len(touched) <= rf.size
    if all(layer.dilation == 1 for layer in stack):
        assert touched == set(range(first, last + 1))  # no holes without dilation
    # Stride and padding: the next unit's field starts S later.
    assert empirical_extent(stack, length, unit + 1)[0] == first + rf.stride


@pytest.mark.parametrize("seed", range(10))
def test_units_at_the_border_reach_into_the_padding(seed):
    rng = np.random.default_rng(100 + seed)
    stack = []
    for _ in range(3):
        k = int(rng.integers(3, 6))  # padding 1..(k-1)//2: every window reaches a real element
        stack.append(Layer(k, int(rng.integers(1, 3)), int(rng.integers(1, (k - 1) // 2 + 1))))
    length = 64
    rf = receptive_field(stack, input_size=length)
    first, last, *_ = empirical_extent(stack, length, unit=0)
    start, stop = rf.span(0)
    assert start == -rf.padding < 0
    assert first == max(start, 0) and last == stop


@pytest.mark.parametrize("network", NETWORKS)
def test_published_values(network):
    """Every published end-point, at every published input size."""
    for row in PUBLISHED[network]:
        stack = endpoint_layers(network, row.endpoint)
        rf = receptive_field(stack, input_size=row.input_size)
        assert (rf.size, rf.stride, rf.padding) == (row.size, row.stride, row.padding), row


@pytest.mark.parametrize("network", ["alexnet_v2", "vgg_16", "inception_v3", "resnet_v1_50"])
def test_published_networks_empirically(network):
    """The layer lists themselves, run as 1-D convolutions in torch, give the published r and S."""
    stack = layers(network)
    final = PUBLISHED[network][-1]
    length = 3 * final.size + 10 * final.stride
    first, last, _, unit, _ = empirical_extent(stack, length)
    assert last - first + 1 == final.size
    assert empirical_extent(stack, length, unit + 1)[0] - first == final.stride
    if network in ("alexnet_v2", "vgg_16", "inception_v3"):  # P does not depend on the size
        assert first == unit * final.stride - final.padding


def test_resolution_dependent_padding_needs_input_size():
    with pytest.raises(ValueError, match=r"receptive_field: .*padding='same'.*input_size"):
        receptive_field(layers("mobilenet_v1"))
    with pytest.raises(ValueError, match="input_size"):
        receptive_field([Layer(3, stride=2, padding="same")])
    # With stride 1, "same" needs no size.
    assert receptive_field([Layer(4, padding="same"), Layer(3, padding="same")]).padding == 2


def test_endpoint_layers_rejects_unknown_names():
    with pytest.raises(ValueError, match="endpoint_layers: endpoint 'pool9'"):
        endpoint_layers("vgg_16", "pool9")
    with pytest.raises(ValueError, match="layers: network must be one of"):
        layers("lenet")


def test_per_layer_rows():
    rf = receptive_field(
        [Layer(3, padding=1), Layer(2, stride=2), Layer(3, padding=1)], input_size=32
    )
    assert [row.size for row in rf.layers] == [3, 4, 8]
    assert [row.stride for row in rf.layers] == [1, 2, 2]
    assert [row.padding for row in rf.layers] == [1, 1, 3]
    assert [row.output_size for row in rf.layers] == [32, 16, 16]
    assert rf.center(0) == 0.5


# --- reading framework models -----------------------------------------------------------


def torch_model():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(3, stride=2, padding=1, dilation=2),
        nn.Conv2d(4, 4, (3, 3), stride=2, dilation=2),
        nn.Sequential(nn.ZeroPad2d(2), nn.Conv2d(4, 4, 5, padding="same"), nn.Dropout(0.5)),
        nn.AvgPool2d(2, ceil_mode=True),
    )


def test_reads_torch_sequential():
    expected = [
        Layer(3, 1, 1),
        Layer(3, 2, 1, 2, ceil_mode=False),
        Layer(3, 2, 0, 2),
        Layer(1, 1, (2, 2)),
        Layer(5, 1, (2, 2)),
        Layer(2, 2, 0, ceil_mode=True),
    ]
    got = receptive_field(torch_model(), input_size=40)
    want = receptive_field(expected, input_size=40)
    assert (got.size, got.stride, got.padding) == (want.size, want.stride, want.padding)
    assert [row.output_size for row in got.layers] == [row.output_size for row in want.layers]
    y = torch_model().eval()(torch.zeros(1, 1, 40, 40))
    assert got.layers[-1].output_size == y.shape[-1]


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel:UserWarning")
def test_torch_model_empirically():
    """A conv/avg-pool model (max pooling routes gradients to one element) with ones weights."""
    model = nn.Sequential(
        nn.Conv2d(1, 1, 3, padding=1, bias=False),
        nn.ReLU(),
        nn.AvgPool2d(2),
        nn.Conv2d(1, 1, 3, stride=2, dilation=2, bias=False),
        nn.ZeroPad2d(1),
        nn.Conv2d(1, 1, 4, padding="same", bias=False),
    ).double()
    for module in model:
        if isinstance(module, nn.Conv2d):
            nn.init.ones_(module.weight)
    rf = receptive_field(model)
    x = torch.ones(1, 1, 96, 96, dtype=torch.float64, requires_grad=True)
    y = model(x)
    unit = y.shape[-1] // 2
    y[0, 0, unit, unit].backward()
    rows = np.flatnonzero(x.grad.numpy()[0, 0].any(axis=1))
    assert (rows[0], rows[-1]) == rf.span(unit)


def test_reads_keras_sequential_and_matches_tensorflow(tf):
    keras = tf.keras
    model = keras.Sequential(
        [
            keras.Input((37, 37, 1)),
            keras.layers.Conv2D(1, 3, padding="same", use_bias=False, kernel_initializer="ones"),
            keras.layers.ReLU(),
            keras.layers.AveragePooling2D(2),
            keras.layers.Conv2D(
                1, 3, strides=2, padding="same", use_bias=False, kernel_initializer="ones"
            ),
            keras.layers.ZeroPadding2D(1),
            keras.layers.Conv2D(1, 2, dilation_rate=2, use_bias=False, kernel_initializer="ones"),
            keras.layers.BatchNormalization(),
        ]
    )
    expected = [
        Layer(3, 1, "same"),
        Layer(2, 2, "valid"),
        Layer(3, 2, "same"),
        Layer(1, 1, (1, 1)),
        Layer(2, 1, "valid", 2),
    ]
    got = receptive_field(model, input_size=37)
    want = receptive_field(expected, input_size=37)
    assert (got.size, got.stride, got.padding) == (want.size, want.stride, want.padding)
    # Empirically, through TensorFlow's own "same" padding.
    x = tf.ones((1, 37, 37, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = model(x, training=False)
        unit = int(y.shape[1]) // 2
        target = y[0, unit, unit, 0]
    grad = tape.gradient(target, x).numpy()[0, :, :, 0]
    rows = np.flatnonzero(grad.any(axis=1))
    assert got.layers[-1].output_size == y.shape[1]
    assert (rows[0], rows[-1]) == got.span(unit)
    with pytest.raises(ValueError, match="input_size"):
        receptive_field(model)


def test_non_square_framework_layers_need_an_axis():
    model = nn.Sequential(nn.Conv2d(1, 1, (3, 5), stride=(1, 2)))
    with pytest.raises(ValueError, match=r"receptive_field: .*axis=0"):
        receptive_field(model)
    assert receptive_field(model, axis=0).size == 3
    assert receptive_field(model, axis=1).size == 5
    assert receptive_field(model, axis=1).stride == 2


def test_unknown_framework_layers_are_refused():
    with pytest.raises(ValueError, match="receptive_field: cannot read the PyTorch layer"):
        receptive_field(nn.Sequential(nn.Conv2d(1, 1, 3), nn.Flatten(), nn.Linear(4, 4)))


def test_ceil_mode_changes_sizes_not_the_field():
    a = receptive_field([Layer(2, 2), Layer(3)], input_size=9)
    b = receptive_field([Layer(2, 2, ceil_mode=True), Layer(3)], input_size=9)
    assert (a.size, a.stride, a.padding) == (b.size, b.stride, b.padding)
    assert a.layers[0].output_size == 4 and b.layers[0].output_size == 5
    assert convlib.conv_output_size(9, 2, 2, ceil_mode=True) == 5


def test_keras_causal_conv1d(tf):
    """Causal padding puts d (k - 1) zeros before: each output sees only the past."""
    keras = tf.keras
    model = keras.Sequential(
        [
            keras.Input((30, 1)),
            keras.layers.Conv1D(
                1, 3, padding="causal", dilation_rate=2, use_bias=False, kernel_initializer="ones"
            ),
            keras.layers.Conv1D(
                1, 2, padding="causal", dilation_rate=4, use_bias=False, kernel_initializer="ones"
            ),
        ]
    )
    rf = receptive_field(model, input_size=30)
    assert (rf.size, rf.stride, rf.padding) == (9, 1, 8)
    x = tf.ones((1, 30, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        target = model(x)[0, 20, 0]
    touched = np.flatnonzero(tape.gradient(target, x).numpy().ravel())
    assert (touched[0], touched[-1]) == rf.span(20) == (12, 20)


@pytest.mark.parametrize("seed", range(10))
def test_ceil_mode_output_sizes_match_torch_pooling(seed):
    rng = np.random.default_rng(200 + seed)
    stack, x = [], torch.zeros(1, 1, int(rng.integers(40, 80)))
    length = x.shape[-1]
    for _ in range(3):
        k, s = int(rng.integers(1, 5)), int(rng.integers(1, 4))
        p, ceil_mode = int(rng.integers(0, k // 2 + 1)), bool(rng.integers(2))
        stack.append(Layer(k, s, p, ceil_mode=ceil_mode))
        x = F.max_pool1d(x, k, s, p, ceil_mode=ceil_mode)
        assert receptive_field(stack, input_size=length).layers[-1].output_size == x.shape[-1]
