"""Pictures of convolution: numbered grids, sliding-window animations, receptive fields.

The figures of convlib's tutorials and concept pages are drawn with these functions, so a
script that uses them reads as a lesson rather than as plotting code. They need matplotlib
and Pillow, which convlib itself does not: ``pip install convlib[viz]``. Nothing else in
convlib imports this module.

Every animation is computed, not drawn by hand: the window highlighted in each frame is
the one :func:`convlib.sliding_windows` returns for that output element, and the number
written into the output is the window's products summed (or its maximum, or its mean),
checked against :func:`convlib.conv2d`, :func:`convlib.conv_transpose2d`,
:func:`convlib.max_pool2d` or :func:`convlib.avg_pool2d` before anything is drawn. For
example, a 3x3 kernel of ones over a 4x4 input fills four output elements, one per frame:

>>> import numpy as np
>>> from convlib import viz
>>> anim = viz.animate_windows(np.arange(16).reshape(4, 4), np.ones((3, 3), int))
>>> len(anim.frames), anim.output.tolist()
(4, [[45, 54], [81, 90]])
>>> print(anim.alt)  # doctest: +NORMALIZE_WHITESPACE
A 3x3 kernel slides over a 4x4 input with stride 1 and no padding,
filling a 2x2 output one element per frame.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

try:
    import matplotlib
    from matplotlib.collections import PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
    from PIL import Image
except ImportError as error:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "convlib.viz draws with matplotlib and Pillow, which convlib does not need "
        "otherwise: install them with `pip install convlib[viz]`"
    ) from error

from .padding import normalize_padding
from .pooling import avg_pool2d, max_pool2d
from .receptive_field import ReceptiveField
from .transposed import conv_transpose2d
from .windows import sliding_windows

__all__ = [
    "WindowAnimation",
    "animate_windows",
    "draw_grid",
    "draw_receptive_field",
    "show_images",
]

#: Cell colours shared by every picture (conv_arithmetic's convention: input blue,
#: output green, padding left white with a dashed edge).
COLORS = {
    "input": "#cfe2f3",
    "padding": "#f3f3f3",
    "spread": "#ffffff",
    "window": "#f6b26b",
    "window_pad": "#fce5cd",
    "output": "#d9ead3",
    "current": "#6aa84f",
    "kernel": "#fff2cc",
    "edge": "#555555",
    "outline": "#cc4125",
}
OPS = ("conv", "transpose", "max", "avg")
#: Pixels per inch of rendered frames: twice the 100 px per inch the frames are shown at,
#: so that they stay sharp on hi-DPI screens.
DPI = 200
SHOWN_DPI = 100


def _fail(func: str, message: str, error: type[Exception] = ValueError) -> Exception:
    return error(f"{func}: {message}")


def _as_grid(func: str, name: str, values: Any) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 2 or array.size == 0:
        raise _fail(func, f"{name} must be a non-empty 2-D array, got shape {array.shape}")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise _fail(func, f"{name} must hold numbers, got dtype {array.dtype}", TypeError)
    return array


def _pair(func: str, name: str, value: Any) -> tuple[int, int]:
    items = value if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2 or not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items
    ):
        raise _fail(func, f"{name} must be a positive int or a pair of them, got {value!r}")
    if min(items) < 1:
        raise _fail(func, f"{name} must be positive, got {value!r}")
    return int(items[0]), int(items[1])


def _label(value: Any, fmt: str) -> str:
    if isinstance(value, (float, np.floating)) and not np.isfinite(value):
        return "-∞" if value < 0 else ("∞" if value > 0 else "nan")
    return format(value, fmt)


def draw_grid(
    ax: Any,
    values: Any,
    *,
    title: str | None = None,
    highlight: Any = None,
    pads: Any = 0,
    numbers: bool = True,
    fmt: str = "g",
    cmap: str | None = None,
    face: str | None = None,
    fontsize: float = 11,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Any:
    """Draw a 2-D array as a grid of square cells, each with its number.

    Row 0 is drawn on top, as an array is printed. Padding cells (an outer ring given by
    ``pads``) are drawn pale with their numbers in grey italics, highlighted cells in
    orange.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw. Its axis lines are turned off and its aspect made equal.
    values : array_like, shape (rows, cols)
        The numbers to draw.
    title : str, optional
        Drawn above the grid.
    highlight : array_like of bool, shape (rows, cols), optional
        Cells to highlight.
    pads : int or ((top, bottom), (left, right)), default 0
        How many outer rows and columns of ``values`` are padding.
    numbers : bool, default True
        Write each cell's number.
    fmt : str, default "g"
        Format of the numbers, as for Python's ``format``.
    cmap : str, optional
        Colour the cells by value with this matplotlib colormap (symmetric about zero when
        the values have both signs); numbers switch to white on dark cells.
    face : str, optional
        One colour for every cell that is neither padding nor highlighted (default: the
        input blue).
    fontsize : float, default 11
        Size of the numbers, in points.
    vmin, vmax : float, optional
        The range ``cmap`` spans (default: the values' own, symmetric about zero when they
        have both signs); give the same range to grids that should share one scale.

    Returns
    -------
    matplotlib.collections.PatchCollection
        The cells, row by row, whose colours can be changed with ``set_facecolor``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from convlib import viz
    >>> fig, ax = plt.subplots()
    >>> cells = viz.draw_grid(ax, [[1, 2], [3, 4]], highlight=[[True, False], [False, False]])
    >>> len(cells.get_paths())
    4
    >>> plt.close(fig)
    """
    grid = _as_grid("draw_grid", "values", values)
    rows, cols = grid.shape
    (top, bottom), (left, right) = _pads_of("draw_grid", pads)
    pad_mask = np.ones(grid.shape, bool)
    pad_mask[top : rows - bottom, left : cols - right] = False
    marked = np.zeros(grid.shape, bool)
    if highlight is not None:
        marked = np.asarray(highlight, bool)
        if marked.shape != grid.shape:
            raise _fail(
                "draw_grid",
                f"highlight must have the shape of values {grid.shape}, got {marked.shape}",
            )
    colours = np.full(grid.shape, face or COLORS["input"], dtype=object)
    text_colours = np.full(grid.shape, "black", dtype=object)
    if cmap is not None:
        real = grid.astype(float)
        finite = real[np.isfinite(real)]
        low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
        if low < 0 < high:
            low, high = -max(-low, high), max(-low, high)
        low = low if vmin is None else vmin
        high = high if vmax is None else vmax
        scale = matplotlib.colormaps[cmap]
        span = (high - low) or 1.0
        rgba = scale(np.clip((real - low) / span, 0, 1))
        colours = np.empty(grid.shape, dtype=object)
        for index in np.ndindex(grid.shape):
            colours[index] = tuple(rgba[index])
            light = 0.299 * rgba[index][0] + 0.587 * rgba[index][1] + 0.114 * rgba[index][2]
            text_colours[index] = "black" if light > 0.5 else "white"
    colours[pad_mask] = COLORS["padding"]
    colours[marked & ~pad_mask] = COLORS["window"]
    colours[marked & pad_mask] = COLORS["window_pad"]
    squares = [Rectangle((j, i), 1, 1) for i, j in np.ndindex(rows, cols)]
    cells = PatchCollection(squares, edgecolors=COLORS["edge"], linewidths=0.8)
    cells.set_facecolor(list(colours.ravel()))
    ax.add_collection(cells)
    if numbers:
        labels = [_label(v, fmt) for v in grid.ravel()]
        colours_of_text = np.where(pad_mask, "#666666", text_colours).ravel()
        _numbers(ax, labels, grid.shape, list(colours_of_text), pad_mask.ravel(), fontsize)
    _frame(ax, rows, cols, title, fontsize)
    return cells


def _numbers(
    ax: Any,
    labels: list[str],
    shape: tuple[int, ...],
    colours: list[Any],
    italic: Any,
    fontsize: float,
) -> Any:
    """Write one label per cell as one collection of glyph outlines; return it.

    One collection draws many times faster than one text object per cell, which matters
    for animations, whose every frame redraws the figure. Hide a label by setting its
    colour to "none".
    """
    from matplotlib.collections import PathCollection
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath
    from matplotlib.transforms import Affine2D, IdentityTransform

    digit = TextPath((0, 0), "0", prop=FontProperties(size=fontsize)).get_extents()
    middle = (digit.y0 + digit.y1) / 2
    scale = ax.figure.dpi / 72  # glyphs are drawn in display pixels
    paths, centres = [], []
    for n, text in enumerate(labels):
        font = FontProperties(size=fontsize, style="italic" if italic[n] else "normal")
        path = TextPath((0, 0), text, prop=font)
        box = path.get_extents()
        move = Affine2D().translate(-(box.x0 + box.x1) / 2, -middle).scale(scale, scale)
        paths.append(move.transform_path(path))
        i, j = divmod(n, shape[1])
        centres.append((j + 0.5, i + 0.5))
    glyphs = PathCollection(
        paths,
        sizes=None,
        offsets=centres,
        offset_transform=ax.transData,
        facecolors=colours,
        edgecolors="none",
        transform=IdentityTransform(),
    )
    ax.add_collection(glyphs, autolim=False)
    return glyphs


def _frame(ax: Any, rows: int, cols: int, title: str | None, fontsize: float) -> None:
    ax.set_xlim(-0.05, cols + 0.05)
    ax.set_ylim(rows + 0.05, -0.05)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=fontsize)


def _pads_of(func: str, pads: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    if isinstance(pads, (int, np.integer)) and not isinstance(pads, bool):
        return (int(pads), int(pads)), (int(pads), int(pads))
    try:
        (top, bottom), (left, right) = pads
        result = (int(top), int(bottom)), (int(left), int(right))
    except (TypeError, ValueError):
        raise _fail(
            func, f"pads must be an int or ((top, bottom), (left, right)), got {pads!r}"
        ) from None
    if min(result[0] + result[1]) < 0:
        raise _fail(func, f"pads must not be negative, got {pads!r}")
    return result


class WindowAnimation:
    """A sliding-window animation: its frames, its still picture and its output.

    Made by :func:`animate_windows`. In a notebook (or on this site) it displays itself as a
    looping image, with a still picture instead for readers whose system asks for reduced
    motion. :meth:`save` writes it to a file; :meth:`show` plays it in a matplotlib window.

    Attributes
    ----------
    frames : list of PIL.Image.Image
        One picture per output element, in the order the output is filled.
    still : PIL.Image.Image
        The last frame, every output element filled: the picture for reduced motion.
    output : numpy.ndarray
        The output the animation fills, as convlib computes it.
    alt : str
        A description of the animation for readers who cannot see it.
    interval : int
        Milliseconds per frame.
    """

    def __init__(self, frames: list[Any], output: np.ndarray, alt: str, interval: int) -> None:
        self.frames = frames
        self.still = frames[-1]
        self.output = output
        self.alt = alt
        self.interval = interval

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in CSS pixels (the frames hold twice as many, for hi-DPI)."""
        width, height = self.still.size
        return round(width * SHOWN_DPI / DPI), round(height * SHOWN_DPI / DPI)

    def to_bytes(self, format: str = "webp") -> bytes:
        """The animation as an animated WebP or GIF, or its still picture as a PNG."""
        buffer = io.BytesIO()
        fmt = format.lower()
        if fmt == "png":
            self.still.save(buffer, "PNG", optimize=True)
        elif fmt == "webp":
            self.frames[0].save(
                buffer,
                "WEBP",
                save_all=True,
                append_images=self.frames[1:],
                duration=self.interval,
                loop=0,
                lossless=True,
                quality=100,
                method=4,
            )
        elif fmt == "gif":
            palette = [f.convert("P", palette=Image.Palette.ADAPTIVE) for f in self.frames]
            palette[0].save(
                buffer,
                "GIF",
                save_all=True,
                append_images=palette[1:],
                duration=self.interval,
                loop=0,
                optimize=True,
            )
        else:
            raise _fail(
                "WindowAnimation.to_bytes", f"format must be 'webp', 'gif' or 'png', got {format!r}"
            )
        return buffer.getvalue()

    def save(self, path: str | Path) -> Path:
        """Write the animation to ``path``; its suffix (.webp, .gif or .png) picks the format."""
        target = Path(path)
        target.write_bytes(self.to_bytes(target.suffix.lstrip(".") or "webp"))
        return target

    def to_html(self) -> str:
        """HTML that shows the animation, or its still picture under reduced motion."""
        moving = base64.b64encode(self.to_bytes("webp")).decode("ascii")
        still = base64.b64encode(self.to_bytes("png")).decode("ascii")
        width, height = self.size
        alt = self.alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        return (
            '<picture class="convlib-animation">'
            '<source media="(prefers-reduced-motion: reduce)" '
            f'srcset="data:image/png;base64,{still}">'
            f'<img src="data:image/webp;base64,{moving}" alt="{alt}" '
            f'width="{width}" height="{height}" loading="lazy" decoding="async">'
            "</picture>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<WindowAnimation: {len(self.frames)} frames, {self.alt}>"

    def show(self) -> Any:  # pragma: no cover - opens a window
        """Play the animation in a matplotlib window (for scripts run outside a notebook)."""
        import matplotlib.pyplot as plt
        from matplotlib.animation import FuncAnimation

        fig, ax = plt.subplots(figsize=(self.size[0] / 100, self.size[1] / 100))
        ax.set_axis_off()
        fig.subplots_adjust(0, 0, 1, 1)
        image = ax.imshow(self.frames[0])
        player = FuncAnimation(
            fig,
            lambda k: [image.set_data(self.frames[k])],
            frames=len(self.frames),
            interval=self.interval,
        )
        plt.show()
        return player


def _describe(
    op: str,
    x_shape: tuple[int, int],
    k: tuple[int, int],
    stride: tuple[int, int],
    pads: tuple[tuple[int, int], ...],
    dilation: tuple[int, int],
    y_shape: tuple[int, int],
) -> str:
    def size(shape: Sequence[int]) -> str:
        return "x".join(str(v) for v in shape)

    what = {
        "conv": f"A {size(k)} kernel",
        "transpose": f"A {size(k)} kernel",
        "max": f"A {size(k)} max-pooling window",
        "avg": f"A {size(k)} average-pooling window",
    }[op]
    s = stride[0] if stride[0] == stride[1] else size(stride)
    flat = {v for pair in pads for v in pair}
    if flat == {0}:
        padding = "no padding"
    elif len(flat) == 1:
        padding = f"padding {flat.pop()}"
    else:
        padding = f"padding {pads[0]} on the rows and {pads[1]} on the columns"
    extra = ""
    if dilation != (1, 1):
        d = dilation[0] if dilation[0] == dilation[1] else size(dilation)
        extra = f", dilation {d}"
    if op == "transpose":
        return (
            f"{what} slides over a {size(x_shape)} input spread with stride {s} "
            f"(zeros between its elements) and {padding}{extra}, filling a {size(y_shape)} "
            "output one element per frame: a transposed convolution."
        )
    return (
        f"{what} slides over a {size(x_shape)} input with stride {s} and {padding}{extra}, "
        f"filling a {size(y_shape)} output one element per frame."
    )


def animate_windows(
    x: Any,
    kernel: Any,
    *,
    op: str = "conv",
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    numbers: bool | None = None,
    title: str | None = None,
    alt: str | None = None,
    interval: int = 800,
    width: float = 7.0,
) -> WindowAnimation:
    """Animate a kernel sliding over a 2-D input, one output element per frame.

    Each frame highlights the input elements one output element reads (the window that
    :func:`convlib.sliding_windows` returns for it), outlines the window, and writes the
    output element: its sum of products for a convolution, the window's maximum or mean
    for pooling. The output is checked against convlib's own function first.

    Parameters
    ----------
    x : array_like, shape (H, W), or tuple (H, W)
        The input. With a shape instead of numbers, cells are drawn without numbers (as in
        Dumoulin and Visin's convolution arithmetic).
    kernel : array_like, shape (kH, kW), or int or (kH, kW)
        The kernel, or, for pooling (or a convolution drawn without numbers), its size.
    op : {"conv", "transpose", "max", "avg"}, default "conv"
        A convolution (cross-correlation, as :func:`convlib.conv2d`), a transposed
        convolution (drawn as conv_arithmetic does: the input spread with ``stride - 1``
        zeros between its elements, padded, then convolved with the flipped kernel at
        stride 1), max pooling or average pooling.
    stride, padding, dilation
        As for :func:`convlib.conv2d` (for ``"transpose"``, as for
        :func:`convlib.conv_transpose2d`; for pooling, ``stride`` defaults to 1 here, and
        ``dilation`` must be 1 for average pooling).
    numbers : bool, optional
        Write the numbers into the cells (default: when ``x`` holds numbers and every grid
        is at most 12 cells wide).
    title : str, optional
        A headline above the grids.
    alt : str, optional
        The description for readers who cannot see the animation (default: made from the
        settings, e.g. "A 3x3 kernel slides over a 5x5 input with stride 2 and padding 1,
        filling a 3x3 output one element per frame.").
    interval : int, default 800
        Milliseconds per frame.
    width : float, default 7.0
        Width of the picture in inches (shown at 100 px per inch).

    Returns
    -------
    WindowAnimation
        Its frames, still picture, output and alt text.

    Raises
    ------
    ValueError
        For an unknown ``op``, a kernel larger than the padded input, or settings the
        operation refuses (the message names the setting).

    Examples
    --------
    >>> from convlib import viz
    >>> anim = viz.animate_windows((5, 5), 3, stride=2, padding=1)
    >>> anim.output.shape, len(anim.frames)
    ((3, 3), 9)
    >>> print(viz.animate_windows((4, 4), 2, op="max", stride=2).alt)
    ... # doctest: +NORMALIZE_WHITESPACE
    A 2x2 max-pooling window slides over a 4x4 input with stride 2 and no padding,
    filling a 2x2 output one element per frame.
    """
    func = "animate_windows"
    if op not in OPS:
        raise _fail(func, f"op must be one of {OPS}, got {op!r}")
    if isinstance(x, tuple) and len(x) == 2 and all(isinstance(v, (int, np.integer)) for v in x):
        shape = _pair(func, "x", x)
        values = np.arange(1, shape[0] * shape[1] + 1).reshape(shape) % 5 - 2
        show_x = False
    else:
        values = _as_grid(func, "x", x)
        show_x = True
    if (
        isinstance(kernel, (int, np.integer, tuple))
        and np.ndim(kernel) <= 1
        and not isinstance(kernel, np.ndarray)
    ):
        k_shape = _pair(func, "kernel", kernel)
        weights = np.ones(k_shape, int)
        show_k = False
    else:
        weights = _as_grid(func, "kernel", kernel)
        k_shape = (int(weights.shape[0]), int(weights.shape[1]))
        show_k = True
    strides = _pair(func, "stride", stride)
    dilations = _pair(func, "dilation", dilation)
    if values.shape[0] * values.shape[1] > 400:
        raise _fail(
            func,
            f"x must have at most 400 elements (one frame each is drawn from its output), "
            f"got shape {values.shape}",
        )

    if op in ("max", "avg"):
        if op == "avg" and dilations != (1, 1):
            raise _fail(func, f"average pooling has no dilation, got dilation={dilation!r}")
        pads = normalize_padding(
            padding, values.shape, k_shape, strides, dilations, func=func, allow_strings=()
        )
        grid = values.astype(float)
        fill = -np.inf if op == "max" else 0.0
        padded = np.pad(grid, pads, constant_values=fill)
        _check_fits(func, padded.shape, k_shape, dilations)
        windows = sliding_windows(padded, k_shape, strides, dilations)
        pool = max_pool2d if op == "max" else avg_pool2d
        settings: dict[str, Any] = {"stride": strides, "padding": _pads_arg(pads)}
        if op == "max":
            settings["dilation"] = dilations
        output = _computed(func, pool, grid, k_shape, **settings)
        reduced = windows.max(axis=(-2, -1)) if op == "max" else windows.mean(axis=(-2, -1))
        np.testing.assert_allclose(reduced, output)
        shown_input = padded
        input_pads = pads
        spread_mask = np.zeros(padded.shape, bool)
    elif op == "conv":
        pads = normalize_padding(padding, values.shape, k_shape, strides, dilations, func=func)
        padded = np.pad(values, pads)
        _check_fits(func, padded.shape, k_shape, dilations)
        windows = sliding_windows(padded, k_shape, strides, dilations)
        from .conv import conv2d

        output = _computed(
            func,
            conv2d,
            values,
            weights[None, None],
            stride=strides,
            padding=_pads_arg(pads),
            dilation=dilations,
        )
        np.testing.assert_allclose((windows * weights).sum(axis=(-2, -1)), output)
        shown_input, input_pads = padded, pads
        spread_mask = np.zeros(padded.shape, bool)
    else:
        t_pads = normalize_padding(
            padding, values.shape, k_shape, (1, 1), (1, 1), func=func, allow_strings=()
        )
        output = _computed(
            func,
            conv_transpose2d,
            values,
            weights[None, None],
            stride=strides,
            padding=_pads_arg(t_pads),
            dilation=dilations,
        )
        spread = np.zeros(
            ((values.shape[0] - 1) * strides[0] + 1, (values.shape[1] - 1) * strides[1] + 1),
            values.dtype,
        )
        spread[:: strides[0], :: strides[1]] = values
        is_spread = np.ones(spread.shape, bool)
        is_spread[:: strides[0], :: strides[1]] = False
        # conv_arithmetic's picture: the spread input padded by the kernel's span minus one,
        # less the transposed convolution's padding (which crops the output; past the span it
        # crops the spread input itself)
        around = []
        crop = []
        for axis, (before, after) in enumerate(t_pads):
            edge = dilations[axis] * (k_shape[axis] - 1)
            around.append((max(edge - before, 0), max(edge - after, 0)))
            crop.append((max(before - edge, 0), max(after - edge, 0)))
        keep = tuple(slice(a, size - b) for (a, b), size in zip(crop, spread.shape))
        if any(s.stop - s.start < 1 for s in keep):
            raise _fail(func, f"padding {padding!r} crops the whole output away")
        spread, is_spread = spread[keep], is_spread[keep]
        padded = np.pad(spread, around)
        spread_mask = np.pad(is_spread, around)
        flipped = weights[::-1, ::-1]
        windows = sliding_windows(padded, k_shape, (1, 1), dilations)
        np.testing.assert_allclose((windows * flipped).sum(axis=(-2, -1)), output)
        shown_input, input_pads, pads = padded, tuple(around), t_pads
        weights = flipped
    strides_drawn = (1, 1) if op == "transpose" else strides
    if numbers is None:
        numbers = show_x and max(shown_input.shape[1], output.shape[1]) <= 12
    y_shape = (int(output.shape[0]), int(output.shape[1]))
    text = alt or _describe(op, values.shape, k_shape, strides, pads, dilations, y_shape)
    frames = _render(
        op,
        shown_input,
        input_pads,
        spread_mask,
        weights if (show_k and op in ("conv", "transpose")) else None,
        output,
        k_shape,
        strides_drawn,
        dilations,
        bool(numbers),
        title,
        width,
    )
    return WindowAnimation(frames, output, text, interval)


def _computed(func: str, operation: Any, x: np.ndarray, *args: Any, **settings: Any) -> Any:
    """``operation`` on one image of one channel; its refusals name ``func`` too."""
    try:
        return operation(x[None, None], *args, **settings)[0, 0]
    except ValueError as error:
        raise ValueError(f"{func}: {error}") from error


def _check_fits(
    func: str, padded: tuple[int, ...], k_shape: tuple[int, int], dilations: tuple[int, int]
) -> None:
    spans = tuple(d * (k - 1) + 1 for d, k in zip(dilations, k_shape))
    if any(s > p for s, p in zip(spans, padded)):
        raise _fail(
            func,
            f"the kernel spans {spans[0]}x{spans[1]} elements but the padded input is only "
            f"{padded[0]}x{padded[1]}",
        )


def _pads_arg(pads: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Explicit ``(before, after)`` pairs, as convlib's functions accept them."""
    return tuple((int(a), int(b)) for a, b in pads)


def _render(
    op: str,
    grid: np.ndarray,
    pads: Any,
    spread_mask: np.ndarray,
    kernel: np.ndarray | None,
    output: np.ndarray,
    window_shape: tuple[int, int],
    strides: tuple[int, int],
    dilations: tuple[int, int],
    numbers: bool,
    title: str | None,
    width: float,
) -> list[Any]:
    rows, cols = grid.shape
    out_rows, out_cols = output.shape
    k_rows, k_cols = kernel.shape if kernel is not None else (0, 0)
    panels = [cols, max(out_cols, 2)] if kernel is None else [k_cols, cols, max(out_cols, 2)]
    height_cells = max(rows, out_rows, k_rows)
    total = sum(panels) + 1.2 * (len(panels) - 1)
    cell = min(width / total, 0.45)
    fig_width = width
    caption = numbers and op in ("conv", "transpose")
    fig_height = cell * height_cells + (0.55 if title else 0.3) + (0.75 if caption else 0.25)
    # whole CSS pixels, so that the frames are exactly twice the size they are shown at
    fig_width = round(fig_width * SHOWN_DPI) / SHOWN_DPI
    fig_height = round(fig_height * SHOWN_DPI) / SHOWN_DPI
    fig = Figure(figsize=(fig_width, fig_height), dpi=DPI, facecolor="white")
    fontsize = 11 if cell >= 0.4 else 10
    gs = fig.add_gridspec(
        1,
        len(panels),
        width_ratios=panels,
        wspace=1.2 / max(np.mean(panels), 1),
        left=0.02,
        right=0.98,
        top=1 - (0.55 if title else 0.3) / fig_height,
        bottom=(0.75 if caption else 0.25) / fig_height,
    )
    axes = [fig.add_subplot(gs[0, i]) for i in range(len(panels))]
    if title:
        fig.suptitle(title, fontsize=12, y=1 - 0.12 / fig_height, va="top")
    if kernel is not None:
        k_ax, in_ax, out_ax = axes
        label = "kernel (flipped)" if op == "transpose" else "kernel"
        draw_grid(
            k_ax, kernel, title=label, numbers=numbers, face=COLORS["kernel"], fontsize=fontsize
        )
        k_ax.set_ylim(height_cells + 0.05, -0.05)
    else:
        in_ax, out_ax = axes
    in_label = {
        "transpose": "input, spread and padded",
        "max": "input",
        "avg": "input",
    }.get(op, "input")
    (top, bottom), (left, right) = pads
    if top or bottom or left or right:
        in_label += f" ({rows}x{cols} with padding)" if op != "transpose" else ""
    cells_in = draw_grid(in_ax, grid, title=in_label, pads=pads, numbers=numbers, fontsize=fontsize)
    in_ax.set_ylim(height_cells + 0.05, -0.05)
    base = np.array(cells_in.get_facecolors())
    pad_mask = np.ones(grid.shape, bool)
    pad_mask[top : rows - bottom, left : cols - right] = False
    pad_mask |= spread_mask
    base_colours = np.array(
        [COLORS["padding"] if p else COLORS["input"] for p in pad_mask.ravel()], dtype=object
    )
    if op == "transpose":
        base_colours[spread_mask.ravel()] = COLORS["spread"]
    cells_in.set_facecolor(list(base_colours))
    del base
    # the output: cells filled as the frames go, numbers appearing one by one
    out_squares = [Rectangle((j, i), 1, 1) for i, j in np.ndindex(out_rows, out_cols)]
    cells_out = PatchCollection(out_squares, edgecolors=COLORS["edge"], linewidths=0.8)
    out_ax.add_collection(cells_out)
    _frame(out_ax, out_rows, out_cols, f"output ({out_rows}x{out_cols})", fontsize)
    out_ax.set_ylim(height_cells + 0.05, -0.05)
    out_glyphs = None
    if numbers:
        labels = [_label(v, "g") for v in output.ravel()]
        hidden = ["none"] * output.size
        out_glyphs = _numbers(out_ax, labels, output.shape, hidden, [False] * output.size, fontsize)
    outline = Rectangle((0, 0), 1, 1, fill=False, edgecolor=COLORS["outline"], linewidth=2.5)
    in_ax.add_patch(outline)
    formula = (
        fig.text(
            0.5, 0.3 / fig_height, "", ha="center", va="center", fontsize=10, family="monospace"
        )
        if caption
        else None
    )
    k_span = (dilations[0] * (window_shape[0] - 1) + 1, dilations[1] * (window_shape[1] - 1) + 1)
    frames = []
    for index in range(output.size):
        i, j = divmod(index, out_cols)
        r0, c0 = i * strides[0], j * strides[1]
        faces = base_colours.copy().reshape(grid.shape)
        taps = []
        for p in range(window_shape[0]):
            for q in range(window_shape[1]):
                r, c = r0 + p * dilations[0], c0 + q * dilations[1]
                faces[r, c] = COLORS["window_pad"] if pad_mask[r, c] else COLORS["window"]
                if kernel is not None:
                    taps.append(f"{_factor(grid[r, c])}·{_factor(kernel[p, q])}")
        cells_in.set_facecolor(list(faces.ravel()))
        outline.set_bounds(c0, r0, k_span[1], k_span[0])
        out_faces = [
            COLORS["current"] if n == index else (COLORS["output"] if n < index else "white")
            for n in range(output.size)
        ]
        cells_out.set_facecolor(out_faces)
        if out_glyphs is not None:
            out_glyphs.set_facecolor(
                ["black" if n <= index else "none" for n in range(output.size)]
            )
        if formula is not None:
            formula.set_text(_sum_text(i, j, taps, output[i, j]))
        frames.append(_grab(fig))
    return frames


def _factor(value: Any) -> str:
    text = _label(value, "g")
    return f"({text})" if text.startswith("-") else text


def _sum_text(i: int, j: int, taps: list[str], value: Any) -> str:
    head = f"output[{i}, {j}] = "
    tail = f" = {_label(value, 'g')}"
    line = head + " + ".join(taps) + tail
    if len(line) <= 80:
        return line
    half = (len(taps) + 1) // 2
    first = head + " + ".join(taps[:half]) + " +"
    second = " + ".join(taps[half:]) + tail
    return first + "\n" + second


def _grab(fig: Any) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3].copy())


def _as_picture(name: str, image: Any) -> np.ndarray:
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[-1] == 3 and array.size:
        if not np.issubdtype(array.dtype, np.number):
            raise _fail(
                "show_images", f"{name} must hold numbers, got dtype {array.dtype}", TypeError
            )
        return array
    return _as_grid("show_images", f"{name} (2-D, or (H, W, 3) for colour)", array)


def show_images(
    images: Sequence[Any],
    titles: Sequence[str] | None = None,
    *,
    cmap: str = "gray",
    symmetric: bool = False,
    ncols: int | None = None,
    width: float = 7.5,
    colorbar: bool = False,
) -> tuple[Any, np.ndarray]:
    """Show 2-D arrays side by side (rows of at most ``ncols``), each with its title.

    Parameters
    ----------
    images : sequence of array_like, each (H, W), or (H, W, 3) for colour in [0, 1]
    titles : sequence of str, optional
    cmap : str, default "gray"
    symmetric : bool, default False
        Centre each image's colour scale on zero (for filter responses, which have both
        signs; use a diverging ``cmap`` such as "RdBu_r").
    ncols : int, optional
        Images per row (default: all in one row, at most 4).
    width : float, default 7.5
        Figure width in inches.
    colorbar : bool, default False
        A colour bar beside each image.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : numpy.ndarray of matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, matplotlib.pyplot as plt
    >>> from convlib import viz
    >>> fig, axes = viz.show_images([np.eye(3), -np.eye(3)], ["I", "-I"], symmetric=True)
    >>> axes.shape
    (2,)
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    pictures = [_as_picture(f"images[{n}]", image) for n, image in enumerate(images)]
    if not pictures:
        raise _fail("show_images", "images must hold at least one image, got none")
    if titles is not None and len(titles) != len(pictures):
        raise _fail(
            "show_images",
            f"titles must have one title per image ({len(pictures)}), got {len(titles)}",
        )
    cols = ncols or min(len(pictures), 4)
    rows = -(-len(pictures) // cols)
    aspect = max(p.shape[0] / p.shape[1] for p in pictures)
    height = rows * (width / cols) * aspect + 0.45 * rows
    fig, axes = plt.subplots(
        rows, cols, figsize=(width, height), squeeze=False, layout="constrained"
    )
    for n, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if n >= len(pictures):
            continue
        picture = pictures[n].astype(float)
        limits = {}
        if picture.ndim == 3:  # colour: shown as it is, values in [0, 1]
            picture = np.clip(picture, 0.0, 1.0)
        elif symmetric:
            top = float(np.nanmax(np.abs(picture))) or 1.0
            limits = {"vmin": -top, "vmax": top}
        shown = ax.imshow(picture, cmap=cmap, **limits)
        if titles is not None:
            ax.set_title(titles[n], fontsize=11)
        if colorbar:
            fig.colorbar(shown, ax=ax, shrink=0.8)
    flat = axes.ravel()[: len(pictures)] if rows == 1 else axes
    return fig, flat


def draw_receptive_field(
    ax: Any,
    image: Any,
    field: ReceptiveField,
    at: tuple[int, int],
    *,
    label: str | None = None,
    color: str = "#ff6f00",
    cmap: str = "gray",
    draw_image: bool = True,
) -> Any:
    """Draw ``image`` with the receptive field of one output unit outlined on it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    image : array_like, shape (H, W)
        The network's input.
    field : ReceptiveField
        What :func:`convlib.receptive_field` returns for the stack (the same field on both
        axes).
    at : (int, int)
        The output unit (row, column) whose field is drawn.
    label : str, optional
        Text beside the outline (default: the field's size, e.g. "11x11 field"; "" for
        none).
    color : str, default "#ff6f00"
    cmap : str, default "gray"
    draw_image : bool, default True
        Draw ``image`` first; False adds only the outline, to draw several fields on one
        image.

    Returns
    -------
    matplotlib.patches.Rectangle
        The outline. Parts of the field that fall on padding lie outside the image.

    Examples
    --------
    >>> import numpy as np, matplotlib.pyplot as plt
    >>> import convlib
    >>> from convlib import viz
    >>> field = convlib.receptive_field([convlib.Layer(3), convlib.Layer(3)])
    >>> fig, ax = plt.subplots()
    >>> box = viz.draw_receptive_field(ax, np.zeros((8, 8)), field, (2, 2))
    >>> box.get_xy(), box.get_width()
    ((1.5, 1.5), 5)
    >>> plt.close(fig)
    """
    picture = _as_grid("draw_receptive_field", "image", image)
    if not isinstance(field, ReceptiveField):
        raise _fail(
            "draw_receptive_field",
            f"field must be what convlib.receptive_field returns, got {type(field).__name__}",
            TypeError,
        )
    try:
        row, col = (int(v) for v in at)
    except (TypeError, ValueError):
        raise _fail("draw_receptive_field", f"at must be (row, column), got {at!r}") from None
    if draw_image:
        ax.imshow(picture, cmap=cmap)
    top, bottom = field.span(row)
    left, right = field.span(col)
    box = Rectangle(
        (left - 0.5, top - 0.5),
        right - left + 1,
        bottom - top + 1,
        fill=False,
        edgecolor=color,
        linewidth=2.5,
    )
    ax.add_patch(box)
    text = f"{field.size}x{field.size} field" if label is None else label
    if text:
        ax.text(
            left - 0.5,
            top - 1.0,
            text,
            color=color,
            fontsize=11,
            va="bottom",
            ha="left",
            fontweight="bold",
        )
    ax.set_axis_off()
    return box
