"""Tensor layouts as letter strings, and the conversions between them.

A layout names each axis with one letter: ``N`` batch, ``C`` channels,
``D``/``H``/``W``/``L`` spatial axes; for kernels ``O`` output channels and
``I`` input channels. Converting is a transpose, the permutation read off the
two strings.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import as_array, check_choice

__all__ = ["convert_layout"]

# The layouts the convolution functions accept, by number of spatial axes.
DATA_FORMATS = {1: ("NCL", "NLC"), 2: ("NCHW", "NHWC"), 3: ("NCDHW", "NDHWC")}
KERNEL_FORMATS = {
    1: ("OIL", "LIO", "OLI"),
    2: ("OIHW", "HWIO", "OHWI"),
    3: ("OIDHW", "DHWIO", "ODHWI"),
}


def convert_layout(array: Any, src: str, dst: str) -> np.ndarray:
    """Reorder the axes of ``array`` from layout ``src`` to layout ``dst``.

    Parameters
    ----------
    array : array_like
        Array whose axes are named by ``src``.
    src, dst : str
        Layout strings with one distinct letter per axis, the same letters in
        both, e.g. ``"NCHW"`` and ``"NHWC"``, or ``"OIHW"`` and ``"HWIO"``.

    Returns
    -------
    numpy.ndarray
        A view of ``array`` with ``result.shape[j] == array.shape[src.index(dst[j])]``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)   # NCHW
    >>> convert_layout(x, "NCHW", "NHWC").shape
    (2, 4, 5, 3)
    >>> w = np.zeros((8, 3, 5, 5))                         # PyTorch OIHW
    >>> convert_layout(w, "OIHW", "HWIO").shape            # TensorFlow HWIO
    (5, 5, 3, 8)
    >>> convert_layout(x, "NCHW", "NCHW") is not None
    True
    """
    func = "convert_layout"
    for name, layout in (("src", src), ("dst", dst)):
        if not isinstance(layout, str):
            raise TypeError(
                f"{func}: {name} must be a layout string such as 'NCHW', got {layout!r}"
            )
        if len(set(layout)) != len(layout) or not layout:
            raise ValueError(
                f"{func}: {name} must name each axis with one distinct letter, got {layout!r}"
            )
    if sorted(src) != sorted(dst):
        raise ValueError(
            f"{func}: src and dst must use the same letters, got src={src!r} and dst={dst!r}"
        )
    array = as_array(array, func, "array")
    if array.ndim != len(src):
        raise ValueError(
            f"{func}: src={src!r} names {len(src)} axes but the array has {array.ndim} "
            f"with shape {array.shape}"
        )
    return np.transpose(array, [src.index(letter) for letter in dst])


def channels_first(nd: int) -> str:
    """The channels-first data layout for ``nd`` spatial axes: NCL, NCHW or NCDHW."""
    return DATA_FORMATS[nd][0]


def kernel_first(nd: int) -> str:
    """The output-channels-first kernel layout: OIL, OIHW or OIDHW."""
    return KERNEL_FORMATS[nd][0]


def spatial_names(nd: int) -> str:
    """The letters of the spatial axes: "L", "HW" or "DHW"."""
    return DATA_FORMATS[nd][0][2:]


def data_format_for(data_format: Any, nd: int, func: str) -> str:
    """Check a data_format for ``nd`` spatial axes; ``NCW``/``NWC`` alias ``NCL``/``NLC``."""
    if nd == 1 and data_format in ("NCW", "NWC"):
        return data_format.replace("W", "L")
    return check_choice(data_format, DATA_FORMATS[nd], func, "data_format")


def kernel_format_for(kernel_format: Any, data_format: str, nd: int, func: str) -> str:
    """The kernel layout: given, or OI+spatial for channels-first, spatial+IO otherwise."""
    if kernel_format is None:
        first, last = KERNEL_FORMATS[nd][:2]
        return first if data_format[1] == "C" else last
    if nd == 1 and isinstance(kernel_format, str) and "W" in kernel_format:
        alias = kernel_format.replace("W", "L")
        if alias in KERNEL_FORMATS[nd]:
            return alias
    # The message shows the value as given (not the W -> L alias).
    return check_choice(kernel_format, KERNEL_FORMATS[nd], func, "kernel_format")
