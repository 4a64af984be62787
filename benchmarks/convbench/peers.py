"""The callables the benchmark times: convlib, PyTorch, TensorFlow, SciPy and the seed loop.

Every framework is imported once, by :class:`Peers`, with its thread count set; each
``*_conv`` method returns a callable with no arguments that computes one layer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

import convlib

from .suite import Layer

__all__ = ["Peers", "convlib_conv", "scipy_peers", "seed_loop"]


def convlib_conv(x: np.ndarray, w: np.ndarray, layer: Layer, method: str = "auto") -> Callable:
    """``convlib.conv2d`` of ``x`` (NCHW) with ``w`` (OIHW), with the layer's settings."""
    return lambda: convlib.conv2d(x, w, **layer.settings, method=method)


class Peers:
    """PyTorch, TensorFlow (optional) and the BLAS thread pools, with ``threads`` threads each."""

    def __init__(self, threads: int, use_tf: bool = True) -> None:
        import torch

        torch.set_num_threads(threads)
        self.threads = threads
        self.torch = torch
        self.tf: Any = None
        if use_tf:
            try:
                import tensorflow as tf

                tf.config.threading.set_intra_op_parallelism_threads(threads)
                tf.config.threading.set_inter_op_parallelism_threads(1)
                self.tf = tf
            except Exception as error:  # TensorFlow is optional here
                print(f"TensorFlow not timed: {error}", file=sys.stderr)
        try:
            from threadpoolctl import threadpool_limits

            self._limits = threadpool_limits(threads)
        except ImportError:  # the environment variables set at start-up still hold
            self._limits = None

    def torch_conv(self, x: np.ndarray, w: np.ndarray, layer: Layer) -> Callable[[], Any]:
        """``torch.nn.functional.conv2d`` on the same NCHW arrays, without autograd."""
        xt, wt = self.torch.from_numpy(x), self.torch.from_numpy(w)
        conv = self.torch.nn.functional.conv2d

        def run():
            with self.torch.no_grad():
                return conv(xt, wt, **layer.settings)

        return run

    def tf_conv(self, x: np.ndarray, w: np.ndarray, layer: Layer) -> Callable[[], Any] | None:
        """tf.nn.conv2d (depthwise_conv2d for one channel per group), NHWC as TF prefers.

        None when TensorFlow is not timed or has no CPU kernel for the layer.
        """
        if self.tf is None:
            return None
        tf, stride, padding, groups = self.tf, layer.stride, layer.padding, layer.groups
        xt = tf.constant(np.ascontiguousarray(x.transpose(0, 2, 3, 1)))
        pads = [[0, 0], [padding, padding], [padding, padding], [0, 0]]
        if groups == 1:
            wt = tf.constant(np.ascontiguousarray(w.transpose(2, 3, 1, 0)))  # HWIO
            run = lambda: tf.nn.conv2d(xt, wt, strides=stride, padding=pads)  # noqa: E731
        elif groups == x.shape[1] and w.shape[0] == groups:
            wt = tf.constant(np.ascontiguousarray(w.transpose(2, 3, 0, 1)))  # (kh, kw, C, 1)
            strides = [1, stride, stride, 1]
            run = lambda: tf.nn.depthwise_conv2d(xt, wt, strides=strides, padding=pads)  # noqa: E731
        else:
            return None
        try:
            run()
        except Exception as error:  # an op TF's CPU kernels lack
            print(f"TensorFlow skipped: {error}", file=sys.stderr)
            return None
        return run


def scipy_peers(image: np.ndarray, kernel: np.ndarray) -> dict[str, Callable[[], Any]]:
    """scipy.signal.correlate (its own method choice) and scipy.ndimage.correlate, zero-padded.

    ``image`` is ``(h, w)`` and ``kernel`` ``(kh, kw)``, odd: both keep the image's size.
    """
    import scipy.ndimage
    import scipy.signal

    return {
        "scipy.signal": lambda: scipy.signal.correlate(image, kernel, mode="same"),
        "scipy.ndimage": lambda: scipy.ndimage.correlate(image, kernel, mode="constant"),
    }


def seed_loop(images: np.ndarray, kernels: np.ndarray, stride: int, pad: int) -> np.ndarray:
    """The 001 seed's batched convolution: Python loops over images, filters and positions.

    ``images`` is NHWC and ``kernels`` ``(num_filters, kh, kw, c)``, as in the seed; each
    output value is ``np.sum(patch * kernel)``, the seed's ``conv_step``. Returns
    ``(n, h_out, w_out, num_filters)``.
    """
    n, h, w, _ = images.shape
    filters, kh, kw, _ = kernels.shape
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    h_out = (h - kh + 2 * pad) // stride + 1
    w_out = (w - kw + 2 * pad) // stride + 1
    out = np.zeros((n, h_out, w_out, filters), dtype=images.dtype)
    for i in range(n):
        for f in range(filters):
            for r in range(h_out):
                for c in range(w_out):
                    patch = padded[i, r * stride : r * stride + kh, c * stride : c * stride + kw]
                    out[i, r, c, f] = np.sum(patch * kernels[f])
    return out
