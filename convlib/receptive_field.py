"""Receptive fields of stacks of convolution and pooling layers.

Follows Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional
Neural Networks", Distill (2019). For layers ``l = 1..L`` with kernel ``k_l``,
stride ``s_l``, padding before ``p_l`` and dilation ``d_l`` (effective kernel
``k'_l = d_l (k_l - 1) + 1``), the unit ``u`` of the last layer sees the input
elements ``u S - P`` to ``u S - P + r - 1``, where

.. math::

    r = \\sum_{l=1}^{L} (k'_l - 1) \\prod_{i=1}^{l-1} s_i + 1, \\qquad
    S = \\prod_{l=1}^{L} s_l, \\qquad
    P = \\sum_{l=1}^{L} p_l \\prod_{i=1}^{l-1} s_i .
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ._checks import check_int
from .arithmetic import _output_length
from .padding import normalize_padding, same_padding

__all__ = ["Layer", "LayerField", "ReceptiveField", "receptive_field"]


@dataclass(frozen=True)
class Layer:
    """One convolution or pooling layer, along one spatial axis.

    Parameters
    ----------
    kernel_size : int
        Kernel (or pooling window) size ``k``.
    stride : int, optional
        Stride ``s``.
    padding : int, (int, int), "valid" or "same", optional
        Padding: on both sides, ``(before, after)``, none, or TensorFlow's
        ``"same"`` (which needs the layer's input size when ``stride > 1``).
    dilation : int, optional
        Dilation ``d``; 1 means no gaps.
    ceil_mode : bool, optional
        Pooling's rounding-up of the output size (changes sizes, not the field).
    name : str, optional
        A label for tables and plots.

    Examples
    --------
    >>> Layer(3, stride=2, padding=1)
    Layer(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False, name='')
    """

    kernel_size: int
    stride: int = 1
    padding: Any = 0
    dilation: int = 1
    ceil_mode: bool = False
    name: str = ""

    def __post_init__(self) -> None:
        func = "Layer"
        check_int(self.kernel_size, func, "kernel_size", minimum=1)
        check_int(self.stride, func, "stride", minimum=1)
        check_int(self.dilation, func, "dilation", minimum=1)
        if isinstance(self.padding, str):
            if self.padding not in ("valid", "same"):
                raise ValueError(
                    f"{func}: padding must be an int, a (before, after) pair, 'valid' or 'same', "
                    f"got {self.padding!r}"
                )
        else:
            self.pads(None)  # checks ints and pairs

    @property
    def effective_kernel_size(self) -> int:
        """``dilation * (kernel_size - 1) + 1``."""
        return self.dilation * (self.kernel_size - 1) + 1

    def pads(self, in_size: int | None) -> tuple[int, int]:
        """The ``(before, after)`` padding, for an input of ``in_size`` (needed for "same")."""
        if self.padding == "same":
            if in_size is None and self.stride != 1:
                raise ValueError(
                    f"receptive_field: layer {self.name or self!r} has padding='same' with "
                    f"stride={self.stride}; its padding depends on the input size, so pass "
                    "input_size=..."
                )
            # With stride 1 the padding does not depend on the input size.
            return same_padding(in_size or 1, self.kernel_size, self.stride, self.dilation)
        padding = (self.padding,) if isinstance(self.padding, (list, tuple)) else self.padding
        ((before, after),) = normalize_padding(
            padding,
            (max(in_size or 1, 1),),
            (self.kernel_size,),
            (self.stride,),
            (self.dilation,),
            func="Layer",
            allow_strings=("valid",),
        )
        return before, after


@dataclass(frozen=True)
class LayerField:
    """The receptive field after one layer of a stack (one row of the table)."""

    #: The layer.
    layer: Layer
    #: Receptive field size ``r_l`` of a unit after this layer, in input elements.
    size: int
    #: Effective stride ``S_l``: input elements between neighbouring units.
    stride: int
    #: Effective padding ``P_l``: how far before the input the first unit's field starts.
    padding: int
    #: This layer's ``(before, after)`` padding.
    pads: tuple[int, int]
    #: Length of this layer's output, when the input size is known.
    output_size: int | None


@dataclass(frozen=True)
class ReceptiveField:
    """The receptive field of a stack of layers (what :func:`receptive_field` returns)."""

    #: Size ``r``: input elements one output unit sees.
    size: int
    #: Effective stride ``S``.
    stride: int
    #: Effective padding ``P``.
    padding: int
    #: One row per layer, first to last.
    layers: tuple[LayerField, ...]
    #: The input length the stack was analysed for, if given.
    input_size: int | None = None

    def span(self, index: int) -> tuple[int, int]:
        """First and last input index (inclusive) seen by output unit ``index``.

        Indices below 0 or past the input are padding.
        """
        start = index * self.stride - self.padding
        return start, start + self.size - 1

    def center(self, index: int) -> float:
        """Centre of output unit ``index``'s field, in input coordinates."""
        start, stop = self.span(index)
        return (start + stop) / 2


def receptive_field(
    layers: Any, input_size: int | None = None, *, axis: int | None = None
) -> ReceptiveField:
    """Receptive field size, effective stride and effective padding of a stack.

    Parameters
    ----------
    layers : sequence of Layer, torch.nn.Sequential or keras.Sequential
        The stack, first layer first. From PyTorch and Keras models the
        convolution, pooling and zero-padding layers are read and the
        pointwise layers convlib knows (activations, batch normalisation,
        dropout) skipped; any other layer, a transposed convolution for
        one, raises ValueError.
    input_size : int, optional
        Input length along the axis; needed when a ``"same"`` layer has a
        stride above 1, and fills the per-layer output sizes.
    axis : int, optional
        For framework layers whose kernel, stride, padding or dilation differ
        between axes: 0 reads the height (first spatial axis), 1 the width.
        Layers that are the same along both axes need no axis.

    Returns
    -------
    ReceptiveField
        ``.size`` (r), ``.stride`` (S), ``.padding`` (P), and ``.layers``, the
        running values after each layer: ``r_l = r_{l-1} + (k'_l - 1) S_{l-1}``,
        ``S_l = S_{l-1} s_l``, ``P_l = P_{l-1} + p_l S_{l-1}``.

    Examples
    --------
    Two 3x3 convolutions see 5x5; a stride-2 pooling between them makes it 8:

    >>> receptive_field([Layer(3), Layer(3)]).size
    5
    >>> rf = receptive_field([Layer(3, padding=1), Layer(2, stride=2), Layer(3, padding=1)])
    >>> rf.size, rf.stride, rf.padding
    (8, 2, 3)
    >>> rf.span(0)
    (-3, 4)
    """
    func = "receptive_field"
    stack = _read_layers(layers, axis)
    if not stack:
        raise ValueError(f"{func}: layers must contain at least one convolution or pooling layer")
    size: int | None = None
    if input_size is not None:
        size = check_int(input_size, func, "input_size", minimum=1)
    r, jump, start = 1, 1, 0
    rows = []
    for layer in stack:
        pads = layer.pads(size)
        r += (layer.effective_kernel_size - 1) * jump
        start += pads[0] * jump
        jump *= layer.stride
        if size is not None:
            size = _output_length(
                size, layer.kernel_size, layer.stride, pads, layer.dilation, layer.ceil_mode, func,
                axis_name=f"layer {layer.name or repr(layer)}",
            )  # fmt: skip
        rows.append(LayerField(layer, r, jump, start, pads, size))
    return ReceptiveField(r, jump, start, tuple(rows), input_size)


def _pick(value: Any, axis: int | None, what: str) -> int:
    """One axis of a framework layer's int-or-tuple setting."""
    if isinstance(value, (int,)) or not isinstance(value, Sequence):
        return int(value)
    values = [int(v) for v in value]
    if axis is None:
        if len(set(values)) > 1:
            raise ValueError(
                f"receptive_field: {what} has different sizes per axis {tuple(values)}; "
                "pass axis=0 (height) or axis=1 (width)"
            )
        return values[0]
    return values[axis]


def _padding_of_axis(pairs: list[Any], axis: int | None, name: str) -> tuple[int, int]:
    """One axis's ``(before, after)`` of a padding layer; all axes must agree without ``axis``."""
    if axis is None and len(set(pairs)) > 1:
        raise ValueError(
            f"receptive_field: {name} pads the axes differently {pairs}; pass axis=0 or 1"
        )
    return tuple(pairs[axis or 0])


def _read_layers(layers: Any, axis: int | None) -> list[Layer]:
    """Turn Layers, a torch.nn.Sequential or a Keras Sequential into a list of Layer."""
    if axis is not None:
        axis = check_int(axis, "receptive_field", "axis", minimum=0)
    module = type(layers).__module__
    if module.startswith("torch"):
        return list(_from_torch(layers, axis))
    if module.startswith(("keras", "tensorflow", "tf_keras")):
        return list(_from_keras(layers, axis))
    if not isinstance(layers, Iterable):
        raise TypeError(
            "receptive_field: layers must be a sequence of Layer, a torch.nn.Sequential or a "
            f"Keras Sequential model, got {type(layers).__name__}"
        )
    stack = list(layers)
    for item in stack:
        if not isinstance(item, Layer):
            raise TypeError(
                "receptive_field: layers must hold convlib.Layer objects, "
                f"got {type(item).__name__}"
            )
    return stack


_TORCH_POINTWISE = (
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Sigmoid", "Tanh", "Hardswish", "Hardsigmoid", "Hardtanh", "Softplus", "Identity",
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d",
)  # fmt: skip


def _from_torch(model: Any, axis: int | None) -> Iterable[Layer]:
    from torch import nn

    for module in model.modules() if isinstance(model, nn.Sequential) else [model]:
        kind = type(module).__name__
        name = f"{kind}"
        if isinstance(module, nn.Sequential) or kind in _TORCH_POINTWISE:
            continue
        if isinstance(module, nn.modules.conv._ConvNd) and not module.transposed:
            padding: Any = module.padding  # "same" and "valid" mean what they mean for Layer
            if not isinstance(padding, str):
                padding = _pick(padding, axis, name)
            yield Layer(
                _pick(module.kernel_size, axis, name),
                _pick(module.stride, axis, name),
                padding,
                _pick(module.dilation, axis, name),
                name=name,
            )
        elif isinstance(
            module,
            (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d, nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d),
        ):
            yield Layer(
                _pick(module.kernel_size, axis, name),
                _pick(module.stride, axis, name),
                _pick(module.padding, axis, name),
                _pick(getattr(module, "dilation", 1), axis, name),  # average pooling has none
                ceil_mode=bool(module.ceil_mode),
                name=name,
            )
        elif isinstance(module, nn.modules.padding._ConstantPadNd):
            pad = list(module.padding)  # (left, right, top, bottom, ...): last axis first
            pairs = [(pad[i], pad[i + 1]) for i in range(0, len(pad), 2)][::-1]
            yield Layer(1, 1, _padding_of_axis(pairs, axis, name), name=name)
        else:
            raise ValueError(
                f"receptive_field: cannot read the PyTorch layer {module!r}: only convolution, "
                "pooling, constant padding and pointwise layers have a receptive field here"
            )


_KERAS_POINTWISE = (
    "InputLayer", "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax",
    "BatchNormalization", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
)  # fmt: skip


def _from_keras(model: Any, axis: int | None) -> Iterable[Layer]:
    for layer in model.layers:
        kind = type(layer).__name__
        name = f"{kind}({layer.name})"
        config = layer.get_config()
        if kind in _KERAS_POINTWISE:
            continue
        if kind in ("Conv1D", "Conv2D", "Conv3D", "DepthwiseConv2D", "SeparableConv2D"):
            kernel_size = _pick(config["kernel_size"], axis, name)
            dilation = _pick(config["dilation_rate"], axis, name)
            padding = config["padding"]
            if padding == "causal":  # Conv1D: the whole dilated kernel's padding goes before
                padding = (dilation * (kernel_size - 1), 0)
            yield Layer(
                kernel_size, _pick(config["strides"], axis, name), padding, dilation, name=name
            )
        elif kind in (
            "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
            "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
        ):  # fmt: skip
            strides = config["strides"] or config["pool_size"]
            yield Layer(
                _pick(config["pool_size"], axis, name),
                _pick(strides, axis, name),
                config["padding"],
                name=name,
            )
        elif kind in ("ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"):
            padding = config["padding"]
            pairs = [padding] if kind == "ZeroPadding1D" else list(padding)
            pairs = [tuple(p) if isinstance(p, (list, tuple)) else (p, p) for p in pairs]
            yield Layer(1, 1, _padding_of_axis(pairs, axis, name), name=name)
        else:
            raise ValueError(
                f"receptive_field: cannot read the Keras layer {name}: only convolution, "
                "pooling, zero-padding and pointwise layers have a receptive field here"
            )
