"""conv1d, conv2d, conv3d against PyTorch and TensorFlow, every method against the loop."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import (
    EXACT_METHODS,
    METHODS,
    assert_close,
    explicit_pads,
    random_array,
    same_pads,
    supporting,
    torch_conv,
)
from hypothesis import given
from hypothesis import strategies as st

import convlib

CONV = {1: convlib.conv1d, 2: convlib.conv2d, 3: convlib.conv3d}

# Every padding form conv2d accepts: an int, one int per axis, (before, after) pairs, strings.
PADDINGS_2D = [0, 1, 2, (1, 2), (0, 3), ((0, 1), (2, 1)), ((2, 0), (1, 1)), "valid", "same", "full"]
KERNELS_2D = [(1, 1), (2, 2), (3, 3), (4, 4), (2, 3), (3, 1), (1, 4)]


def random_case(rng, nd, *, stride, dilation, padding, dtype=np.float64, bias=True):
    """A random batch, weight (OI... layout) and bias whose sizes fit the settings."""
    kernel = tuple(int(k) for k in rng.integers(1, 5, size=nd))
    if nd == 2:
        kernel = KERNELS_2D[rng.integers(len(KERNELS_2D))]
    groups = int(rng.choice([1, 2, 3]))
    c_in = groups * int(rng.integers(1, 3))
    if rng.random() < 0.3:
        groups = c_in  # depthwise
    c_out = groups * int(rng.integers(1, 3))
    sizes = tuple(
        int(dilation * (k - 1) + 1 + rng.integers(0, 6)) for k in kernel
    )  # at least the dilated kernel
    x = random_array(rng, (2, c_in) + sizes, dtype)
    w = random_array(rng, (c_out, c_in // groups) + kernel, dtype)
    b = random_array(rng, (c_out,), dtype) if bias else None
    pads = explicit_pads(padding, sizes, kernel, (stride,) * nd, (dilation,) * nd)
    return x, w, b, groups, pads


@pytest.mark.parametrize("padding", PADDINGS_2D, ids=str)
@pytest.mark.parametrize("dilation", [1, 2, 3])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_conv2d_matches_torch_every_method(rng, stride, dilation, padding):
    for dtype in (np.float64, np.float32):
        x, w, b, groups, pads = random_case(
            rng, 2, stride=stride, dilation=dilation, padding=padding, dtype=dtype
        )
        expected = torch_conv(x, w, b, stride=stride, pads=pads, dilation=dilation, groups=groups)
        settings = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
        for method in ("auto", *supporting(x.shape, w.shape, dtype, **settings)):
            y = convlib.conv2d(x, w, b, method=method, **settings)
            assert_close(y, expected, dtype)


@pytest.mark.parametrize("nd", [1, 3])
@pytest.mark.parametrize("padding", [0, 1, (2,), "valid", "same", "full"], ids=str)
@pytest.mark.parametrize("stride,dilation", [(1, 1), (2, 1), (1, 2), (3, 2)])
def test_conv1d_conv3d_match_torch(rng, nd, stride, dilation, padding):
    if isinstance(padding, tuple):
        padding = padding * nd
    for dtype in (np.float64, np.float32):
        x, w, b, groups, pads = random_case(
            rng, nd, stride=stride, dilation=dilation, padding=padding, dtype=dtype
        )
        expected = torch_conv(x, w, b, stride=stride, pads=pads, dilation=dilation, groups=groups)
        settings = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
        for method in ("auto", *supporting(x.shape, w.shape, dtype, **settings)):
            y = CONV[nd](x, w, b, method=method, **settings)
            assert_close(y, expected, dtype)


def test_per_axis_stride_and_dilation(rng):
    x = random_array(rng, (2, 3, 11, 9))
    w = random_array(rng, (4, 3, 3, 2))
    y = convlib.conv2d(x, w, stride=(2, 3), dilation=(1, 2), padding=(1, 0))
    expected = torch_conv(x, w, stride=(2, 3), pads=((1, 1), (0, 0)), dilation=(1, 2))
    assert_close(y, expected, np.float64)


@pytest.mark.parametrize("method", EXACT_METHODS)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.uint8])
def test_integer_inputs_are_exact_int64(rng, dtype, method):
    checked = 0
    for groups in (2, 4):  # two channels per group, then one (a depthwise convolution)
        x = rng.integers(0, 100, size=(2, 4, 7, 6)).astype(dtype)
        w = rng.integers(0, 100, size=(8, 4 // groups, 3, 3)).astype(dtype)
        settings = dict(stride=2, padding=1, groups=groups)
        if method not in supporting(x.shape, w.shape, dtype, **settings):
            continue
        y = convlib.conv2d(x, w, method=method, **settings)
        assert y.dtype == np.int64
        # Exact reference: float64 is exact for these magnitudes (< 2**53).
        expected = torch_conv(x.astype(np.float64), w.astype(np.float64), pads=((1, 1), (1, 1)),
                              stride=2, groups=groups)  # fmt: skip
        np.testing.assert_array_equal(y, expected.astype(np.int64))
        checked += 1
    assert checked


def test_integer_results_beyond_float64_precision_stay_exact():
    # 3 * (2**26)**2 = 3 * 2**52 > 2**53 is not representable in float64 after adding 1.
    x = np.full((1, 1, 1, 4), 2**26, dtype=np.int64)
    x[0, 0, 0, 3] = 1
    w = np.array([[[[2**26, 2**26, 2**26, 1]]]], dtype=np.int64)
    for method in EXACT_METHODS:
        y = convlib.conv2d(x, w, method=method)
        assert y.dtype == np.int64
        assert int(y[0, 0, 0, 0]) == 3 * 2**52 + 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_float_dtypes_are_kept(rng, dtype):
    x = random_array(rng, (1, 2, 6, 6), dtype)
    w = random_array(rng, (3, 2, 3, 3), dtype)
    b = random_array(rng, (3,), dtype)
    for method in ("auto", *supporting(x.shape, w.shape, dtype, padding="same")):
        y = convlib.conv2d(x, w, b, padding="same", method=method)
        assert y.dtype == dtype
    for nd in (1, 3):
        xn = random_array(rng, (1, 2) + (5,) * nd, dtype)
        wn = random_array(rng, (3, 2) + (2,) * nd, dtype)
        assert CONV[nd](xn, wn).dtype == dtype


def test_nested_lists_are_accepted():
    image = [[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]
    kernel = [[[[1, 0], [0, -1]]]]
    y = convlib.conv2d(image, kernel, bias=[10])
    assert isinstance(y, np.ndarray)
    np.testing.assert_array_equal(y, [[[[6, 6], [6, 6]]]])
    assert y.dtype == np.int64
    np.testing.assert_array_equal(convlib.conv1d([[[1, 2, 3]]], [[[1, 1]]]), [[[3, 5]]])


DATA_KERNEL_FORMATS = [
    ("NCHW", None),
    ("NCHW", "OIHW"),
    ("NCHW", "HWIO"),
    ("NCHW", "OHWI"),
    ("NHWC", None),
    ("NHWC", "OIHW"),
    ("NHWC", "HWIO"),
    ("NHWC", "OHWI"),
]
# The axis order that takes OIHW to each kernel layout, written out (not via convlib).
TO_KERNEL = {"OIHW": (0, 1, 2, 3), "HWIO": (2, 3, 1, 0), "OHWI": (0, 2, 3, 1)}


@pytest.mark.parametrize("data_format,kernel_format", DATA_KERNEL_FORMATS)
def test_layouts_match_torch(rng, data_format, kernel_format):
    x = random_array(rng, (3, 4, 7, 8))
    w = random_array(rng, (6, 2, 3, 2))
    b = random_array(rng, (6,))
    expected = torch_conv(x, w, b, stride=(2, 1), pads=((1, 1), (0, 1)), groups=2)
    if data_format == "NHWC":
        x = x.transpose(0, 2, 3, 1)
        expected = expected.transpose(0, 2, 3, 1)
    default = "OIHW" if data_format == "NCHW" else "HWIO"
    w = w.transpose(TO_KERNEL[kernel_format or default])
    settings = dict(stride=(2, 1), padding=((1, 1), (0, 1)), groups=2)
    for method in ("auto", *supporting((3, 4, 7, 8), (6, 2, 3, 2), np.float64, **settings)):
        y = convlib.conv2d(
            x, w, b, stride=(2, 1), padding=((1, 1), (0, 1)), groups=2,
            data_format=data_format, kernel_format=kernel_format, method=method,
        )  # fmt: skip
        assert y.flags.c_contiguous
        assert_close(y, expected, np.float64)


def test_channels_last_1d_and_3d_default_to_tensorflow_kernels(rng):
    x = random_array(rng, (2, 3, 9))
    w = random_array(rng, (4, 3, 3))
    expected = torch_conv(x, w, pads=((1, 1),))
    y = convlib.conv1d(x.transpose(0, 2, 1), w.transpose(2, 1, 0), padding=1, data_format="NLC")
    assert_close(y, expected.transpose(0, 2, 1), np.float64)
    x = random_array(rng, (2, 3, 4, 5, 6))
    w = random_array(rng, (4, 3, 2, 3, 2))
    expected = torch_conv(x, w, pads=((0, 0),) * 3)
    y = convlib.conv3d(x.transpose(0, 2, 3, 4, 1), w.transpose(2, 3, 4, 1, 0), data_format="NDHWC")
    assert_close(y, expected.transpose(0, 2, 3, 4, 1), np.float64)


@st.composite
def conv_cases(draw, nd):
    """Hypothesis: any valid combination of the settings, small enough to be fast."""
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    kernel = tuple(draw(st.integers(1, 4 if nd < 3 else 3)) for _ in range(nd))
    groups = draw(st.integers(1, 3))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    form = draw(st.sampled_from(["int", "per-axis", "pairs", "valid", "same", "full"]))
    if form == "int":
        padding = draw(st.integers(0, 3))
    elif form == "per-axis":
        padding = tuple(draw(st.integers(0, 3)) for _ in range(nd))
    elif form == "pairs":
        padding = tuple((draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in range(nd))
    else:
        padding = form
    pads = explicit_pads(padding, (1,) * nd, kernel, stride, dilation) if form != "same" else None
    sizes = []
    for axis in range(nd):
        k_eff = dilation[axis] * (kernel[axis] - 1) + 1
        extra = sum(pads[axis]) if pads else k_eff  # "same" fits any size
        sizes.append(draw(st.integers(max(1, k_eff - extra), k_eff + 6)))
    batch = draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2**32 - 1))
    method = draw(st.sampled_from(("auto", *METHODS)))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64]))
    return (
        stride,
        dilation,
        kernel,
        groups,
        c_in,
        c_out,
        padding,
        tuple(sizes),
        batch,
        seed,
        method,
        dtype,
    )


def check_against_torch(nd, case):
    stride, dilation, kernel, groups, c_in, c_out, padding, sizes, batch, seed, method, dtype = case
    rng = np.random.default_rng(seed)
    x = random_array(rng, (batch, c_in) + sizes, dtype)
    w = random_array(rng, (c_out, c_in // groups) + kernel, dtype)
    b = random_array(rng, (c_out,), dtype)
    pads = explicit_pads(padding, sizes, kernel, stride, dilation)
    expected = torch_conv(x, w, b, stride=stride, pads=pads, dilation=dilation, groups=groups)
    settings = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    if method not in ("auto", *supporting(x.shape, w.shape, dtype, **settings)):
        method = "auto"  # a specialised method drawn for a case it refuses
    y = CONV[nd](
        x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups, method=method
    )
    assert_close(y, expected, np.int64 if dtype == np.int64 else dtype)


@given(conv_cases(2))
def test_conv2d_hypothesis(case):
    check_against_torch(2, case)


@given(conv_cases(1))
def test_conv1d_hypothesis(case):
    check_against_torch(1, case)


@given(conv_cases(3))
def test_conv3d_hypothesis(case):
    check_against_torch(3, case)


@given(conv_cases(2))
def test_every_method_matches_the_loop(case):
    stride, dilation, kernel, groups, c_in, c_out, padding, sizes, batch, seed, _, dtype = case
    rng = np.random.default_rng(seed)
    x = random_array(rng, (batch, c_in) + sizes, dtype)
    w = random_array(rng, (c_out, c_in // groups) + kernel, dtype)
    settings = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    reference = convlib.conv2d(x, w, method="loop", **settings)
    for method in supporting(x.shape, w.shape, dtype, **settings):
        assert_close(convlib.conv2d(x, w, method=method, **settings), reference, reference.dtype)


# --- TensorFlow ---------------------------------------------------------------------------


def tf_conv2d(tf, x_nhwc, w_hwio, stride, padding, dilation):
    return tf.nn.conv2d(x_nhwc, w_hwio, strides=stride, padding=padding, dilations=dilation).numpy()


@pytest.mark.parametrize("dilation", [1, 2, 3])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("kernel", [(3, 3), (2, 2), (4, 1), (2, 5)], ids=str)
def test_same_and_valid_match_tensorflow(tf, rng, stride, dilation, kernel):
    """padding="same"/"valid" against tf.nn.conv2d, including even kernels and odd totals."""
    for dtype in (np.float32, np.float64):
        for size in (7, 8, 10):
            x = random_array(rng, (2, size, size + 1, 3), dtype)
            w = random_array(rng, kernel + (3, 4), dtype)
            for padding in ("same", "valid"):
                if dilation * (max(kernel) - 1) + 1 > size and padding == "valid":
                    continue
                expected = tf_conv2d(tf, x, w, stride, padding.upper(), dilation)
                y = convlib.conv2d(
                    x, w, stride=stride, padding=padding, dilation=dilation, data_format="NHWC"
                )
                assert_close(y, expected, dtype)


@pytest.mark.parametrize("stride,dilation", [(1, 1), (2, 1), (1, 2), (3, 1)])
def test_explicit_padding_and_groups_match_tensorflow(tf, rng, stride, dilation):
    x = random_array(rng, (2, 9, 8, 4), np.float32)
    pads = ((2, 0), (1, 3))
    for groups in (1, 2, 4):
        w = random_array(rng, (3, 2, 4 // groups, 8), np.float32)
        explicit = [[0, 0], list(pads[0]), list(pads[1]), [0, 0]]
        expected = tf_conv2d(tf, x, w, stride, explicit, dilation)
        y = convlib.conv2d(
            x, w, stride=stride, padding=pads, dilation=dilation, groups=groups, data_format="NHWC"
        )
        assert_close(y, expected, np.float32)


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("multiplier", [1, 2])
def test_depthwise_matches_tensorflow(tf, rng, stride, multiplier):
    c = 3
    x = random_array(rng, (2, 8, 7, c), np.float32)
    f = random_array(rng, (3, 3, c, multiplier), np.float32)  # TF's depthwise filter
    expected = tf.nn.depthwise_conv2d(x, f, strides=[1, stride, stride, 1], padding="SAME").numpy()
    # As a grouped convolution: HWIO with I = 1 and O = c * multiplier, channel c*m + j.
    w = f.reshape(3, 3, 1, c * multiplier)
    y = convlib.conv2d(x, w, stride=stride, padding="same", groups=c, data_format="NHWC")
    assert_close(y, expected, np.float32)


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("stride,dilation", [(1, 1), (2, 1), (3, 1), (1, 2), (1, 3)])
def test_conv1d_matches_tensorflow(tf, rng, stride, dilation, padding):
    x = random_array(rng, (2, 13, 3))  # NWC
    w = random_array(rng, (4, 3, 5))  # (W, C_in, C_out)
    expected = tf.nn.conv1d(x, w, stride=stride, padding=padding.upper(), dilations=dilation)
    y = convlib.conv1d(x, w, stride=stride, padding=padding, dilation=dilation, data_format="NLC")
    assert_close(y, expected.numpy(), np.float64)


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_conv3d_matches_tensorflow(tf, rng, stride, padding):
    x = random_array(rng, (2, 6, 7, 5, 2))  # NDHWC
    w = random_array(rng, (2, 3, 2, 2, 3))  # DHWIO
    expected = tf.nn.conv3d(x, w, strides=[1, stride, stride, stride, 1], padding=padding.upper())
    y = convlib.conv3d(x, w, stride=stride, padding=padding, data_format="NDHWC")
    assert_close(y, expected.numpy(), np.float64)


def test_same_padding_is_tensorflows_for_stride_and_dilation_together(tf, rng):
    """TF 2.21 accepts stride > 1 with dilation > 1 in tf.nn.conv2d; convlib agrees with it."""
    x = random_array(rng, (1, 11, 12, 2))
    w = random_array(rng, (3, 2, 2, 3))
    expected = tf_conv2d(tf, x, w, 2, "SAME", 2)
    y = convlib.conv2d(x, w, stride=2, dilation=2, padding="same", data_format="NHWC")
    assert_close(y, expected, np.float64)
    # The same numbers as padding explicitly with the rule written out in the tests.
    pads = same_pads((11, 12), (3, 2), (2, 2), (2, 2))
    assert_close(convlib.conv2d(x, w, stride=2, dilation=2, padding=pads, data_format="NHWC"), y)


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel:UserWarning")
@pytest.mark.parametrize("dilation", [1, 2, 3])
@pytest.mark.parametrize("kernel", [(2, 2), (3, 4), (4, 1), (5, 5)], ids=str)
def test_same_matches_torch_at_stride_one(rng, kernel, dilation):
    """PyTorch's own padding="same" (stride 1 only) puts the odd element after, like TF."""
    x = random_array(rng, (2, 3, 8, 9))
    w = random_array(rng, (4, 3) + kernel)
    with torch.no_grad():
        expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding="same",
                            dilation=dilation).numpy()  # fmt: skip
    assert_close(convlib.conv2d(x, w, padding="same", dilation=dilation), expected, np.float64)


def test_non_contiguous_views(rng):
    """Reversed, Fortran-ordered and strided views give the result of their contiguous copies."""
    x = random_array(rng, (2, 4, 9, 10))
    w = random_array(rng, (6, 2, 3, 3))
    views = [x[:, :, ::-1, ::-1], np.asfortranarray(x), np.repeat(x, 2, axis=3)[..., ::2]]
    for view in views:
        expected = torch_conv(np.ascontiguousarray(view), np.ascontiguousarray(w[..., ::-1]),
                              pads=((1, 1), (1, 1)), groups=2)  # fmt: skip
        for method in ("auto", *supporting(x.shape, w.shape, x.dtype, groups=2)):
            y = convlib.conv2d(view, w[..., ::-1], padding=1, groups=2, method=method)
            assert_close(y, expected, np.float64)
            y = convlib.conv2d(view, w[..., ::-1], groups=2, method=method)  # no padding copy
            assert_close(y, expected[..., 1:-1, 1:-1], np.float64)
