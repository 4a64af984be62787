"""convlib: the convolution of convolutional networks, readable and verified.

Every function takes array-likes, returns NumPy arrays and follows PyTorch's
semantics by default (TensorFlow's where a TensorFlow-only option such as
``padding="same"`` with a stride is asked for). Convolution layers compute
cross-correlation, as every framework does.
"""

from . import networks as networks  # a submodule, not a function: outside __all__
from ._checks import ConvMemoryError
from .arithmetic import conv_output_size, conv_transpose_output_size
from .backward import conv2d_backward
from .conv import conv1d, conv2d, conv3d
from .correlate import convolve2d, correlate2d
from .cost import ConvCost, conv_cost
from .layouts import convert_layout
from .matrix import conv_matrix
from .methods import MethodCost, choose_conv_method
from .padding import normalize_padding, same_padding
from .pool_backward import avg_pool2d_backward, max_pool2d_backward
from .pooling import avg_pool2d, max_pool2d
from .receptive_field import Layer, LayerField, ReceptiveField, receptive_field
from .separable import separable_conv2d
from .shuffle import pixel_shuffle, pixel_unshuffle
from .transposed import conv_transpose1d, conv_transpose2d, conv_transpose3d
from .windows import sliding_windows

__version__ = "0.1.0"

__all__ = [
    "ConvCost",
    "ConvMemoryError",
    "Layer",
    "LayerField",
    "MethodCost",
    "ReceptiveField",
    "avg_pool2d",
    "avg_pool2d_backward",
    "choose_conv_method",
    "conv1d",
    "conv2d",
    "conv2d_backward",
    "conv3d",
    "conv_cost",
    "conv_matrix",
    "conv_output_size",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "conv_transpose_output_size",
    "convert_layout",
    "convolve2d",
    "correlate2d",
    "max_pool2d",
    "max_pool2d_backward",
    "normalize_padding",
    "pixel_shuffle",
    "pixel_unshuffle",
    "receptive_field",
    "same_padding",
    "separable_conv2d",
    "sliding_windows",
]
