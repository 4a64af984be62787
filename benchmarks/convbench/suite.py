"""What the benchmark times: the layers of the suite, the seed's layer, the sweep, the targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

import convlib

__all__ = ["SEED_LAYER", "SUITE", "SWEEP_IMAGE", "SWEEP_SIZES", "TARGETS", "Layer"]


@dataclass(frozen=True)
class Layer:
    """One convolution of the suite, NCHW input and OIHW kernel, float32.

    ``kind`` is ``"dense"`` for GEMM-shaped layers, ``"depthwise"`` for one channel
    per group, ``"large"`` for large kernels and ``"image"`` for single-channel image
    filters (also timed against SciPy).
    """

    name: str
    kind: str
    x_shape: tuple[int, ...]
    w_shape: tuple[int, ...]
    stride: int = 1
    padding: int = 0
    groups: int = 1

    @property
    def settings(self) -> dict[str, int]:
        """The keyword arguments of ``conv2d`` (and of ``torch.nn.functional.conv2d``)."""
        return {"stride": self.stride, "padding": self.padding, "groups": self.groups}

    @property
    def multiply_adds(self) -> int:
        """The direct method's multiply-adds for the whole batch (:func:`convlib.conv_cost`)."""
        n, c_in, *spatial = self.x_shape
        c_out, _, *kernel = self.w_shape
        cost = convlib.conv_cost(
            tuple(spatial), c_in, c_out, tuple(kernel), **self.settings, bias=False, batch_size=n
        )
        return cost.macs

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Seeded standard-normal float32 input ``(n, c_in, h, w)`` and kernel ``(c_out, ...)``."""
        rng = np.random.default_rng(0)
        x = rng.standard_normal(self.x_shape, dtype=np.float32)
        w = rng.standard_normal(self.w_shape, dtype=np.float32)
        return x, w

    def description(self) -> dict[str, Any]:
        """The layer's fields in a run's JSON."""
        return {
            "name": self.name,
            "kind": self.kind,
            "x_shape": list(self.x_shape),
            "w_shape": list(self.w_shape),
            "stride": self.stride,
            "padding": self.padding,
            "groups": self.groups,
            "multiply_adds": self.multiply_adds,
        }


SUITE: list[Layer] = [
    Layer("resnet 3x3, 56x56, 64 ch", "dense", (8, 64, 56, 56), (64, 64, 3, 3), 1, 1),
    Layer("resnet 3x3, 28x28, 128 ch", "dense", (8, 128, 28, 28), (128, 128, 3, 3), 1, 1),
    Layer("resnet 3x3, 14x14, 256 ch", "dense", (8, 256, 14, 14), (256, 256, 3, 3), 1, 1),
    Layer("resnet 3x3, 7x7, 512 ch", "dense", (8, 512, 7, 7), (512, 512, 3, 3), 1, 1),
    Layer("3x3 stride 2, 56->28, 64->128", "dense", (8, 64, 56, 56), (128, 64, 3, 3), 2, 1),
    Layer("1x1, 56x56, 64->256", "dense", (8, 64, 56, 56), (256, 64, 1, 1), 1, 0),
    Layer("1x1 stride 2, 56->28, 256->512", "dense", (8, 256, 56, 56), (512, 256, 1, 1), 2, 0),
    Layer("7x7 stride-2 stem, 224x224, 3->64", "dense", (8, 3, 224, 224), (64, 3, 7, 7), 2, 3),
    Layer("depthwise 3x3, 56x56, 128 ch", "depthwise", (8, 128, 56, 56), (128, 1, 3, 3), 1, 1, 128),
    Layer("depthwise 7x7, 56x56, 96 ch", "depthwise", (8, 96, 56, 56), (96, 1, 7, 7), 1, 3, 96),
    Layer("dense 15x15, 64x64, 32 ch", "large", (4, 32, 64, 64), (32, 32, 15, 15), 1, 7),
    Layer(
        "depthwise 31x31, 56x56, 128 ch", "large", (1, 128, 56, 56), (128, 1, 31, 31), 1, 15, 128
    ),
    Layer("image 15x15, 512x512", "image", (1, 1, 512, 512), (1, 1, 15, 15), 1, 7),
    Layer("image 31x31, 512x512", "image", (1, 1, 512, 512), (1, 1, 31, 31), 1, 15),
]

#: The 64-channel layer on which convlib is compared with the 001 seed's Python loop.
SEED_LAYER = Layer(
    "seed loop layer, 3x3, 56x56, 64 ch", "dense", (1, 64, 56, 56), (64, 64, 3, 3), 1, 1
)

#: Kernel sizes of the single-channel sweep against scipy.signal and scipy.ndimage.
SWEEP_SIZES = (3, 5, 7, 9, 11, 15, 21, 31, 41, 51, 63)
SWEEP_IMAGE = 512

#: The targets of the fast-convolution issue, by kind: the largest ratio allowed.
TARGETS = {"dense": 1.5, "depthwise": 3.0, "large": 0.2, "image": 0.2}
