"""Output-size arithmetic of convolution, pooling and transposed convolution."""

from __future__ import annotations

from typing import Any

from ._checks import check_axis, check_bool, check_int
from .padding import normalize_padding

__all__ = ["conv_output_size", "conv_transpose_output_size"]


def conv_output_size(
    in_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: Any = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """Length of a convolution's (or pooling's) output along one axis.

    Parameters
    ----------
    in_size : int
        Input length ``i``.
    kernel_size : int
        Kernel length ``k``.
    stride : int, optional
        Stride ``s``.
    padding : int, (int, int) or {"valid", "same", "full", "causal"}, optional
        Zeros added before and after: an int ``p`` on both sides, a
        ``(before, after)`` pair, or a string (see
        :func:`~convlib.padding.normalize_padding`).
    dilation : int, optional
        Dilation ``d``; 1 means no gaps.
    ceil_mode : bool, optional
        Round up instead of down, as pooling layers allow. As in PyTorch, a
        last window that would start in the padding after the input is dropped.

    Returns
    -------
    int
        With ``p_b + p_a`` the total padding,

        .. math::

            o = \\left\\lfloor \\frac{i + p_b + p_a - d\\,(k - 1) - 1}{s} \\right\\rfloor + 1

        (the ceiling instead of the floor with ``ceil_mode=True``).

    Raises
    ------
    ValueError
        If the dilated kernel ``d (k - 1) + 1`` is larger than the padded input.

    Examples
    --------
    >>> conv_output_size(4, 2)            # the 4x4 image, 2x2 kernel
    3
    >>> conv_output_size(10, 3, padding=1)
    10
    >>> conv_output_size(10, 3, stride=2, padding="same")
    5
    >>> conv_output_size(7, 3, dilation=2)
    3
    >>> conv_output_size(6, 3, stride=2), conv_output_size(6, 3, stride=2, ceil_mode=True)
    (2, 3)
    >>> conv_output_size(11, 3, stride=2, padding="causal", dilation=2)   # ceil(11 / 2)
    6
    """
    func = "conv_output_size"
    in_size, kernel_size, stride, dilation = check_axis(
        in_size, kernel_size, stride, dilation, func
    )
    ceil_mode = check_bool(ceil_mode, func, "ceil_mode")
    if isinstance(padding, (list, tuple)) and len(padding) == 2:
        padding = (padding,)  # one axis given as a (before, after) pair
    ((before, after),) = normalize_padding(
        padding, (in_size,), (kernel_size,), (stride,), (dilation,), func=func
    )
    return _output_length(in_size, kernel_size, stride, (before, after), dilation, ceil_mode, func)


def output_length(
    in_size: int,
    kernel_size: int,
    stride: int,
    pads: tuple[int, int],
    dilation: int,
    ceil_mode: bool = False,
) -> int:
    """The output-length formula itself, for arguments already checked to fit.

    Every function of convlib that needs a convolution's (or pooling's) output
    length computes it here; :func:`check_window_fits` checks the arguments first.
    """
    before, after = pads
    span = in_size + before + after - (dilation * (kernel_size - 1) + 1)
    if ceil_mode:
        out = -(-span // stride) + 1
        # PyTorch drops a last window that starts in the padding after the input.
        if (out - 1) * stride >= in_size + before:
            out -= 1
        return out
    return span // stride + 1


def check_window_fits(
    in_size: int,
    kernel_size: int,
    pads: tuple[int, int],
    dilation: int,
    func: str,
    axis_name: str = "",
) -> None:
    """Raise ValueError if the dilated kernel is longer than the padded input."""
    before, after = pads
    padded = in_size + before + after
    k_eff = dilation * (kernel_size - 1) + 1
    if k_eff > padded:
        where = f" along {axis_name}" if axis_name else ""
        raise ValueError(
            f"{func}: the dilated kernel{where} spans {k_eff} elements "
            f"(dilation={dilation} * (kernel_size={kernel_size} - 1) + 1), more than the "
            f"padded input's {padded} (in_size={in_size} + padding {before}+{after})"
        )


def _output_length(
    in_size: int,
    kernel_size: int,
    stride: int,
    pads: tuple[int, int],
    dilation: int,
    ceil_mode: bool,
    func: str,
    axis_name: str = "",
) -> int:
    """:func:`check_window_fits`, then :func:`output_length`."""
    check_window_fits(in_size, kernel_size, pads, dilation, func, axis_name)
    return output_length(in_size, kernel_size, stride, pads, dilation, ceil_mode)


def transpose_output_length(
    in_size: int,
    kernel_size: int,
    stride: int,
    pads: tuple[int, int],
    output_padding: int,
    dilation: int,
) -> int:
    """The transposed convolution's output-length formula (PyTorch's), unchecked."""
    before, after = pads
    return (
        (in_size - 1) * stride - before - after + dilation * (kernel_size - 1) + output_padding + 1
    )


def conv_transpose_output_size(
    in_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: Any = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """Length of a transposed convolution's output along one axis (PyTorch rule).

    Parameters
    ----------
    in_size : int
        Input length ``i``.
    kernel_size : int
        Kernel length ``k``.
    stride : int, optional
        Stride ``s`` of the convolution being transposed.
    padding : int or (int, int), optional
        Padding ``p`` of the convolution being transposed; here it *removes*
        elements from both ends of the output.
    output_padding : int, optional
        Extra elements added after, to pick one of the ``s`` input lengths
        that a stride-``s`` convolution maps to the same output length. Must be
        smaller than ``stride`` or ``dilation``.
    dilation : int, optional
        Dilation ``d``.

    Returns
    -------
    int
        .. math::

            o = (i - 1)\\,s - p_b - p_a + d\\,(k - 1) + \\text{output\\_padding} + 1

    Examples
    --------
    >>> conv_transpose_output_size(5, 3, stride=2, padding=1)
    9
    >>> conv_transpose_output_size(5, 3, stride=2, padding=1, output_padding=1)
    10
    >>> conv_transpose_output_size(3, 2)   # undoes the 4 -> 3 of a 2-tap kernel
    4
    """
    func = "conv_transpose_output_size"
    in_size, kernel_size, stride, dilation = check_axis(
        in_size, kernel_size, stride, dilation, func
    )
    output_padding = check_int(output_padding, func, "output_padding", minimum=0)
    if isinstance(padding, (list, tuple)) and len(padding) == 2:
        padding = (padding,)
    ((before, after),) = normalize_padding(
        padding, (in_size,), (kernel_size,), (stride,), (dilation,), func=func, allow_strings=()
    )
    check_output_padding(output_padding, stride, dilation, func)
    out = transpose_output_length(
        in_size, kernel_size, stride, (before, after), output_padding, dilation
    )
    if out < 1:
        raise ValueError(
            f"{func}: padding {before}+{after} removes the whole output "
            f"(the unpadded output has {out + before + after} elements), got in_size={in_size}, "
            f"kernel_size={kernel_size}, stride={stride}, dilation={dilation}"
        )
    return out


def check_output_padding(output_padding: int, stride: int, dilation: int, func: str) -> None:
    """PyTorch's rule: output_padding must be smaller than stride or dilation."""
    if output_padding >= max(stride, dilation):
        raise ValueError(
            f"{func}: output_padding must be smaller than stride or dilation "
            f"(max is {max(stride, dilation) - 1}), got output_padding={output_padding} "
            f"with stride={stride}, dilation={dilation}"
        )
