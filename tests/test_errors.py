# ruff: noqa: E501  (the table of cases keeps one case per line, to be scanned as a table)
"""Bad input: every malformed call raises ValueError or TypeError with a message for people.

Each message must name the function, the parameter, and say what was given; the table
below states, per case, the exception, the function, the parameter and a fragment of
what was given. Hypothesis then throws random malformed arguments at the main
functions: they either return an array or raise one of those two errors, named after
the function, never an IndexError, a NumPy broadcasting error or anything else.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import convlib

X = np.ones((1, 2, 5, 5))
W = np.ones((4, 2, 3, 3))
T_W = np.ones((2, 3, 3, 3))  # conv_transpose2d weight for X: (C_in, C_out/groups, kh, kw)
DW, PW = np.ones((2, 1, 3, 3)), np.ones((4, 2, 1, 1))
IMAGE, KERNEL = np.ones((4, 4)), np.ones((2, 2))

# (id, call, exception, function, parameter, fragment of the given value)
CASES = [
    # wrong number of dimensions
    ("conv2d x ndim", lambda: convlib.conv2d(np.ones((2, 5, 5)), W), ValueError, "conv2d", "x", "3 dimensions"),
    ("conv2d weight ndim", lambda: convlib.conv2d(X, np.ones((4, 2, 3))), ValueError, "conv2d", "weight", "(4, 2, 3)"),
    ("conv1d x ndim", lambda: convlib.conv1d(X, W), ValueError, "conv1d", "x", "4 dimensions"),
    ("conv3d x ndim", lambda: convlib.conv3d(X, W), ValueError, "conv3d", "x", "4 dimensions"),
    ("conv_transpose2d x ndim", lambda: convlib.conv_transpose2d(np.ones((2, 5)), T_W), ValueError, "conv_transpose2d", "x", "(2, 5)"),
    ("max_pool2d x ndim", lambda: convlib.max_pool2d(np.ones((2, 5, 5)), 2), ValueError, "max_pool2d", "x", "3 dimensions"),
    ("avg_pool2d x ndim", lambda: convlib.avg_pool2d(np.ones(5), 2), ValueError, "avg_pool2d", "x", "1 dimensions"),
    ("separable x ndim", lambda: convlib.separable_conv2d(np.ones((2, 5, 5)), DW, PW), ValueError, "separable_conv2d", "x", "3 dimensions"),
    ("correlate2d in1 ndim", lambda: convlib.correlate2d(np.ones((3, 3, 3)), KERNEL), ValueError, "correlate2d", "in1", "3 dimensions"),
    ("convolve2d in2 ndim", lambda: convlib.convolve2d(IMAGE, np.ones(3)), ValueError, "convolve2d", "in2", "1 dimensions"),
    ("conv2d_backward grad ndim", lambda: convlib.conv2d_backward(X, W, np.ones((4, 3, 3))), ValueError, "conv2d_backward", "grad_output", "3 dimensions"),
    # channels and groups
    ("conv2d channel mismatch", lambda: convlib.conv2d(np.ones((1, 3, 5, 5)), W), ValueError, "conv2d", "weight", "c_in=3"),
    ("conv2d groups c_in", lambda: convlib.conv2d(np.ones((1, 4, 5, 5)), np.ones((3, 4, 3, 3)), groups=3), ValueError, "conv2d", "groups", "c_in=4"),
    ("conv2d groups c_out", lambda: convlib.conv2d(np.ones((1, 4, 5, 5)), np.ones((3, 2, 3, 3)), groups=2), ValueError, "conv2d", "groups", "c_out=3"),
    ("conv2d groups 0", lambda: convlib.conv2d(X, W, groups=0), ValueError, "conv2d", "groups", "groups=0"),
    ("conv2d groups float", lambda: convlib.conv2d(X, W, groups=2.0), TypeError, "conv2d", "groups", "2.0"),
    ("conv_transpose2d weight channels", lambda: convlib.conv_transpose2d(X, np.ones((3, 3, 3, 3))), ValueError, "conv_transpose2d", "weight", "(3, 3, 3, 3)"),
    ("conv_transpose2d groups", lambda: convlib.conv_transpose2d(X, T_W, groups=3), ValueError, "conv_transpose2d", "groups", "c_in=2"),
    ("separable depthwise channels", lambda: convlib.separable_conv2d(X, np.ones((3, 1, 3, 3)), PW), ValueError, "separable_conv2d", "depthwise", "(3, 1, 3, 3)"),
    ("separable pointwise channels", lambda: convlib.separable_conv2d(X, DW, np.ones((4, 3, 1, 1))), ValueError, "separable_conv2d", "pointwise", "(4, 3, 1, 1)"),
    ("conv_cost groups", lambda: convlib.conv_cost(8, 3, 6, 3, groups=2), ValueError, "conv_cost", "groups", "in_channels=3"),
    # stride and dilation: <= 0, not an integer
    ("conv2d stride 0", lambda: convlib.conv2d(X, W, stride=0), ValueError, "conv2d", "stride", "stride=0"),
    ("conv2d stride -1", lambda: convlib.conv2d(X, W, stride=(1, -1)), ValueError, "conv2d", "stride", "-1"),
    ("conv2d stride float", lambda: convlib.conv2d(X, W, stride=1.5), TypeError, "conv2d", "stride", "1.5"),
    ("conv2d stride bool", lambda: convlib.conv2d(X, W, stride=True), TypeError, "conv2d", "stride", "True"),
    ("conv2d stride str", lambda: convlib.conv2d(X, W, stride="2"), TypeError, "conv2d", "stride", "'2'"),
    ("conv2d stride length", lambda: convlib.conv2d(X, W, stride=(1, 2, 3)), ValueError, "conv2d", "stride", "(1, 2, 3)"),
    ("conv2d dilation 0", lambda: convlib.conv2d(X, W, dilation=0), ValueError, "conv2d", "dilation", "dilation=0"),
    ("conv2d dilation float", lambda: convlib.conv2d(X, W, dilation=2.0), TypeError, "conv2d", "dilation", "2.0"),
    ("conv2d dilation bool", lambda: convlib.conv2d(X, W, dilation=(1, False)), TypeError, "conv2d", "dilation", "False"),
    ("conv1d stride str", lambda: convlib.conv1d(np.ones((1, 1, 5)), np.ones((1, 1, 2)), stride="1"), TypeError, "conv1d", "stride", "'1'"),
    ("conv3d dilation 0", lambda: convlib.conv3d(np.ones((1, 1, 4, 4, 4)), np.ones((1, 1, 2, 2, 2)), dilation=0), ValueError, "conv3d", "dilation", "dilation=0"),
    ("conv_transpose2d stride 0", lambda: convlib.conv_transpose2d(X, T_W, stride=0), ValueError, "conv_transpose2d", "stride", "stride=0"),
    ("conv_transpose2d dilation float", lambda: convlib.conv_transpose2d(X, T_W, dilation=1.0), TypeError, "conv_transpose2d", "dilation", "1.0"),
    ("conv2d_backward stride 0", lambda: convlib.conv2d_backward(X, W, np.ones((1, 4, 3, 3)), stride=0), ValueError, "conv2d_backward", "stride", "stride=0"),
    ("max_pool2d stride 0", lambda: convlib.max_pool2d(X, 2, stride=0), ValueError, "max_pool2d", "stride", "stride=0"),
    ("max_pool2d dilation bool", lambda: convlib.max_pool2d(X, 2, dilation=True), TypeError, "max_pool2d", "dilation", "True"),
    ("avg_pool2d kernel float", lambda: convlib.avg_pool2d(X, 1.5), TypeError, "avg_pool2d", "kernel_size", "1.5"),
    ("max_pool2d kernel 0", lambda: convlib.max_pool2d(X, 0), ValueError, "max_pool2d", "kernel_size", "kernel_size=0"),
    ("separable stride 0", lambda: convlib.separable_conv2d(X, DW, PW, stride=0), ValueError, "separable_conv2d", "stride", "stride=0"),
    ("separable dilation str", lambda: convlib.separable_conv2d(X, DW, PW, dilation="1"), TypeError, "separable_conv2d", "dilation", "'1'"),
    ("conv_output_size stride 0", lambda: convlib.conv_output_size(5, 3, stride=0), ValueError, "conv_output_size", "stride", "stride=0"),
    ("conv_output_size in_size str", lambda: convlib.conv_output_size("5", 3), TypeError, "conv_output_size", "in_size", "'5'"),
    ("same_padding dilation 0", lambda: convlib.same_padding(5, 3, dilation=0), ValueError, "same_padding", "dilation", "dilation=0"),
    ("same_padding in_size float", lambda: convlib.same_padding(5.0, 3), TypeError, "same_padding", "in_size", "5.0"),
    ("conv_transpose_output_size stride", lambda: convlib.conv_transpose_output_size(5, 3, stride=-2), ValueError, "conv_transpose_output_size", "stride", "-2"),
    ("conv_cost stride bool", lambda: convlib.conv_cost(8, 3, 6, 3, stride=True), TypeError, "conv_cost", "stride", "True"),
    ("Layer stride 0", lambda: convlib.Layer(3, stride=0), ValueError, "Layer", "stride", "stride=0"),
    ("Layer dilation float", lambda: convlib.Layer(3, dilation=1.5), TypeError, "Layer", "dilation", "1.5"),
    # padding: negative, unknown strings, wrong structure
    ("conv2d padding -1", lambda: convlib.conv2d(X, W, padding=-1), ValueError, "conv2d", "padding", "padding=-1"),
    ("conv2d padding pair -1", lambda: convlib.conv2d(X, W, padding=((1, 2), (3, -1))), ValueError, "conv2d", "padding", "-1"),
    ("conv2d padding float", lambda: convlib.conv2d(X, W, padding=1.5), TypeError, "conv2d", "padding", "1.5"),
    ("conv2d padding SAME", lambda: convlib.conv2d(X, W, padding="SAME"), ValueError, "conv2d", "padding", "'SAME'"),
    ("conv2d padding None", lambda: convlib.conv2d(X, W, padding=None), TypeError, "conv2d", "padding", "None"),
    ("conv2d padding length", lambda: convlib.conv2d(X, W, padding=(1, 2, 3)), ValueError, "conv2d", "padding", "(1, 2, 3)"),
    ("conv2d padding triple pair", lambda: convlib.conv2d(X, W, padding=((1, 2, 3), (1, 1))), ValueError, "conv2d", "padding", "(1, 2, 3)"),
    ("conv3d padding string", lambda: convlib.conv3d(np.ones((1, 1, 3, 3, 3)), np.ones((1, 1, 2, 2, 2)), padding="half"), ValueError, "conv3d", "padding", "'half'"),
    ("conv_transpose2d padding string", lambda: convlib.conv_transpose2d(X, T_W, padding="same"), ValueError, "conv_transpose2d", "padding", "'same'"),
    ("conv_transpose2d padding -1", lambda: convlib.conv_transpose2d(X, T_W, padding=-1), ValueError, "conv_transpose2d", "padding", "-1"),
    ("max_pool2d padding full", lambda: convlib.max_pool2d(X, 2, padding="full"), ValueError, "max_pool2d", "padding", "'full'"),
    ("avg_pool2d padding -1", lambda: convlib.avg_pool2d(X, 2, padding=-1), ValueError, "avg_pool2d", "padding", "-1"),
    ("conv_output_size padding", lambda: convlib.conv_output_size(3, 2, padding="samee"), ValueError, "conv_output_size", "padding", "'samee'"),
    ("conv_transpose_output_size padding", lambda: convlib.conv_transpose_output_size(3, 2, padding="same"), ValueError, "conv_transpose_output_size", "padding", "'same'"),
    ("Layer padding full", lambda: convlib.Layer(3, padding="full"), ValueError, "Layer", "padding", "'full'"),
    ("Layer padding -1", lambda: convlib.Layer(3, padding=-1), ValueError, "Layer", "padding", "-1"),
    ("separable padding", lambda: convlib.separable_conv2d(X, DW, PW, padding="middle"), ValueError, "separable_conv2d", "padding", "'middle'"),
    # unknown option strings
    ("conv2d data_format", lambda: convlib.conv2d(X, W, data_format="NCWH"), ValueError, "conv2d", "data_format", "'NCWH'"),
    ("conv2d data_format None", lambda: convlib.conv2d(X, W, data_format=None), TypeError, "conv2d", "data_format", "None"),
    ("conv2d kernel_format", lambda: convlib.conv2d(X, W, kernel_format="IOHW"), ValueError, "conv2d", "kernel_format", "'IOHW'"),
    ("conv1d kernel_format", lambda: convlib.conv1d(np.ones((1, 1, 5)), np.ones((1, 1, 2)), kernel_format="OIHW"), ValueError, "conv1d", "kernel_format", "'OIHW'"),
    ("conv2d method", lambda: convlib.conv2d(X, W, method="fft2"), ValueError, "conv2d", "method", "'fft2'"),
    ("conv2d method None", lambda: convlib.conv2d(X, W, method=None), TypeError, "conv2d", "method", "None"),
    ("conv3d method", lambda: convlib.conv3d(np.ones((1, 1, 3, 3, 3)), np.ones((1, 1, 2, 2, 2)), method="Loop"), ValueError, "conv3d", "method", "'Loop'"),
    ("conv_transpose2d data_format", lambda: convlib.conv_transpose2d(X, T_W, data_format="HWC"), ValueError, "conv_transpose2d", "data_format", "'HWC'"),
    ("conv2d_backward data_format", lambda: convlib.conv2d_backward(X, W, X, data_format="nchw"), ValueError, "conv2d_backward", "data_format", "'nchw'"),
    ("max_pool2d data_format", lambda: convlib.max_pool2d(X, 2, data_format="NCHWX"), ValueError, "max_pool2d", "data_format", "'NCHWX'"),
    ("separable data_format", lambda: convlib.separable_conv2d(X, DW, PW, data_format="foo"), ValueError, "separable_conv2d", "data_format", "'foo'"),
    ("correlate2d mode", lambda: convlib.correlate2d(IMAGE, KERNEL, mode="fulll"), ValueError, "correlate2d", "mode", "'fulll'"),
    ("convolve2d boundary", lambda: convlib.convolve2d(IMAGE, KERNEL, boundary="circular"), ValueError, "convolve2d", "boundary", "'circular'"),
    ("max_pool2d ceil_mode", lambda: convlib.max_pool2d(X, 2, ceil_mode="yes"), TypeError, "max_pool2d", "ceil_mode", "'yes'"),
    ("avg_pool2d count_include_pad", lambda: convlib.avg_pool2d(X, 2, count_include_pad=1), TypeError, "avg_pool2d", "count_include_pad", "1"),
    ("max_pool2d ceil_mode with same", lambda: convlib.max_pool2d(X, 2, padding="same", ceil_mode=True), ValueError, "max_pool2d", "ceil_mode", "'same'"),
    ("conv_output_size ceil_mode", lambda: convlib.conv_output_size(3, 2, ceil_mode=1), TypeError, "conv_output_size", "ceil_mode", "1"),
    ("conv_cost bias", lambda: convlib.conv_cost(8, 3, 6, 3, bias="yes"), TypeError, "conv_cost", "bias", "'yes'"),
    # bias of the wrong length or shape
    ("conv2d bias length", lambda: convlib.conv2d(X, W, bias=np.ones(3)), ValueError, "conv2d", "bias", "(3,)"),
    ("conv2d bias 2-D", lambda: convlib.conv2d(X, W, bias=np.ones((4, 1))), ValueError, "conv2d", "bias", "(4, 1)"),
    ("conv2d bias scalar", lambda: convlib.conv2d(X, W, bias=1.0), ValueError, "conv2d", "bias", "0 dimensions"),
    ("conv1d bias length", lambda: convlib.conv1d(np.ones((1, 1, 5)), np.ones((2, 1, 2)), bias=[1]), ValueError, "conv1d", "bias", "(1,)"),
    ("conv_transpose2d bias length", lambda: convlib.conv_transpose2d(X, T_W, bias=np.ones(2)), ValueError, "conv_transpose2d", "bias", "(2,)"),
    ("separable bias length", lambda: convlib.separable_conv2d(X, DW, PW, bias=np.ones(3)), ValueError, "separable_conv2d", "bias", "(3,)"),
    # a (dilated) kernel larger than the padded input
    ("conv2d kernel too large", lambda: convlib.conv2d(X, np.ones((4, 2, 7, 7))), ValueError, "conv2d", "kernel", "7"),
    ("conv2d dilated kernel too large", lambda: convlib.conv2d(X, W, dilation=3), ValueError, "conv2d", "dilation", "dilation=3"),
    ("conv1d kernel too large", lambda: convlib.conv1d(np.ones((1, 1, 3)), np.ones((1, 1, 4))), ValueError, "conv1d", "kernel", "4"),
    ("max_pool2d kernel too large", lambda: convlib.max_pool2d(X, 7), ValueError, "max_pool2d", "kernel", "7"),
    ("max_pool2d dilated too large", lambda: convlib.max_pool2d(X, 3, dilation=3), ValueError, "max_pool2d", "dilation", "dilation=3"),
    ("separable kernel too large", lambda: convlib.separable_conv2d(X, np.ones((2, 1, 7, 7)), PW), ValueError, "separable_conv2d", "kernel", "7"),
    ("conv_output_size too large", lambda: convlib.conv_output_size(3, 5), ValueError, "conv_output_size", "kernel", "5"),
    ("conv_cost too large", lambda: convlib.conv_cost(2, 3, 6, 3), ValueError, "conv_cost", "kernel", "3"),
    ("receptive_field too large", lambda: convlib.receptive_field([convlib.Layer(3)], input_size=2), ValueError, "receptive_field", "kernel", "in_size=2"),
    # empty arrays
    # (an empty batch is accepted, as in PyTorch: tests/test_edges.py)
    ("conv2d empty channels", lambda: convlib.conv2d(np.ones((1, 0, 5, 5)), W), ValueError, "conv2d", "x", "(1, 0, 5, 5)"),
    ("conv2d empty spatial", lambda: convlib.conv2d(np.ones((1, 2, 0, 5)), W), ValueError, "conv2d", "x", "(1, 2, 0, 5)"),
    ("conv2d empty weight", lambda: convlib.conv2d(X, np.ones((0, 2, 3, 3))), ValueError, "conv2d", "weight", "(0, 2, 3, 3)"),
    ("conv2d empty list", lambda: convlib.conv2d([], W), ValueError, "conv2d", "x", "1 dimensions"),
    ("conv_transpose2d empty", lambda: convlib.conv_transpose2d(np.ones((1, 2, 0, 3)), T_W), ValueError, "conv_transpose2d", "x", "(1, 2, 0, 3)"),
    ("max_pool2d empty", lambda: convlib.max_pool2d(np.ones((1, 0, 4, 4)), 2), ValueError, "max_pool2d", "x", "(1, 0, 4, 4)"),
    ("correlate2d empty", lambda: convlib.correlate2d(np.ones((0, 3)), KERNEL), ValueError, "correlate2d", "in1", "(0, 3)"),
    ("conv2d_backward empty grad", lambda: convlib.conv2d_backward(X, W, np.ones((1, 4, 3, 0))), ValueError, "conv2d_backward", "grad_output", "(1, 4, 3, 0)"),
    ("receptive_field empty", lambda: convlib.receptive_field([]), ValueError, "receptive_field", "layers", "at least one"),
    ("conv_cost empty size", lambda: convlib.conv_cost((), 3, 6, 3), ValueError, "conv_cost", "input_size", "()"),
    # non-numeric dtypes and ragged lists
    ("conv2d strings", lambda: convlib.conv2d(np.full((1, 2, 5, 5), "a"), W), TypeError, "conv2d", "x", "<U1"),
    ("conv2d objects", lambda: convlib.conv2d(np.full((1, 2, 5, 5), None, dtype=object), W), TypeError, "conv2d", "x", "object"),
    ("conv2d bools", lambda: convlib.conv2d(np.ones((1, 2, 5, 5), bool), W), TypeError, "conv2d", "x", "bool"),
    ("conv2d complex", lambda: convlib.conv2d(np.ones((1, 2, 5, 5), complex), W), TypeError, "conv2d", "x", "complex128"),
    ("conv2d datetime weight", lambda: convlib.conv2d(X, np.ones((4, 2, 3, 3), "datetime64[s]")), TypeError, "conv2d", "weight", "datetime64"),
    ("conv2d None", lambda: convlib.conv2d(None, W), TypeError, "conv2d", "x", "object"),
    ("conv2d string bias", lambda: convlib.conv2d(X, W, bias=["a"] * 4), TypeError, "conv2d", "bias", "<U1"),
    ("conv2d ragged", lambda: convlib.conv2d([[[[1, 2], [3]]]], [[[[1]]]]), ValueError, "conv2d", "x", "ragged"),
    ("conv_transpose2d bools", lambda: convlib.conv_transpose2d(X, T_W.astype(bool)), TypeError, "conv_transpose2d", "weight", "bool"),
    ("conv2d_backward strings", lambda: convlib.conv2d_backward(X, W, np.full((1, 4, 3, 3), "a")), TypeError, "conv2d_backward", "grad_output", "<U1"),
    ("max_pool2d objects", lambda: convlib.max_pool2d(np.array([[[[1, None]]]], dtype=object), 1), TypeError, "max_pool2d", "x", "object"),
    ("avg_pool2d ragged", lambda: convlib.avg_pool2d([[[[1, 2], [3]]]], 1), ValueError, "avg_pool2d", "x", "ragged"),
    ("separable bools", lambda: convlib.separable_conv2d(X, DW.astype(bool), PW), TypeError, "separable_conv2d", "depthwise", "bool"),
    ("correlate2d strings", lambda: convlib.correlate2d([["a", "b"]], KERNEL), TypeError, "correlate2d", "in1", "<U1"),
    ("correlate2d ragged", lambda: convlib.correlate2d(IMAGE, [[1, 2], [3]]), ValueError, "correlate2d", "in2", "ragged"),
    ("correlate2d fillvalue str", lambda: convlib.correlate2d(IMAGE, KERNEL, fillvalue="a"), TypeError, "correlate2d", "fillvalue", "'a'"),
    ("correlate2d fillvalue array", lambda: convlib.correlate2d(IMAGE, KERNEL, fillvalue=[1, 2]), ValueError, "correlate2d", "fillvalue", "[1, 2]"),
    ("convert_layout ragged", lambda: convlib.convert_layout([[1, 2], [3]], "AB", "BA"), ValueError, "convert_layout", "array", "ragged"),
    ("receptive_field not layers", lambda: convlib.receptive_field([3, 3]), TypeError, "receptive_field", "layers", "int"),
    ("receptive_field int", lambda: convlib.receptive_field(3), TypeError, "receptive_field", "layers", "int"),
    ("receptive_field input_size", lambda: convlib.receptive_field([convlib.Layer(3)], input_size=0), ValueError, "receptive_field", "input_size", "input_size=0"),
    # output_padding too large, pool padding over half the kernel, gradient shape
    ("conv_transpose2d output_padding", lambda: convlib.conv_transpose2d(X, T_W, stride=2, output_padding=2), ValueError, "conv_transpose2d", "output_padding", "output_padding=2"),
    ("conv_transpose2d output_padding stride 1", lambda: convlib.conv_transpose2d(X, T_W, output_padding=1), ValueError, "conv_transpose2d", "output_padding", "output_padding=1"),
    ("conv_transpose2d output_padding -1", lambda: convlib.conv_transpose2d(X, T_W, output_padding=-1), ValueError, "conv_transpose2d", "output_padding", "-1"),
    ("conv_transpose1d output_padding", lambda: convlib.conv_transpose1d(np.ones((1, 1, 3)), np.ones((1, 1, 2)), stride=3, output_padding=3), ValueError, "conv_transpose1d", "output_padding", "output_padding=3"),
    ("conv_transpose2d padding removes output", lambda: convlib.conv_transpose2d(X, T_W, padding=4), ValueError, "conv_transpose2d", "padding", "4+4"),
    ("conv_transpose_output_size output_padding", lambda: convlib.conv_transpose_output_size(3, 2, stride=2, output_padding=2), ValueError, "conv_transpose_output_size", "output_padding", "output_padding=2"),
    ("max_pool2d padding over half", lambda: convlib.max_pool2d(X, 2, padding=2), ValueError, "max_pool2d", "padding", "padding 2"),
    ("avg_pool2d padding over half", lambda: convlib.avg_pool2d(X, 3, padding=(1, 2)), ValueError, "avg_pool2d", "padding", "padding 2"),
    ("conv2d_backward grad shape", lambda: convlib.conv2d_backward(X, W, np.ones((1, 4, 4, 4))), ValueError, "conv2d_backward", "grad_output", "(1, 4, 4, 4)"),
    ("conv2d_backward grad channels", lambda: convlib.conv2d_backward(X, W, np.ones((1, 3, 3, 3))), ValueError, "conv2d_backward", "grad_output", "(1, 3, 3, 3)"),
    ("conv2d_backward grad layout", lambda: convlib.conv2d_backward(X.transpose(0, 2, 3, 1), W.transpose(2, 3, 1, 0), np.ones((1, 4, 3, 3)), data_format="NHWC"), ValueError, "conv2d_backward", "grad_output", "(1, 4, 3, 3)"),
    # layouts
    ("convert_layout letters", lambda: convlib.convert_layout(X, "NCHW", "NHWD"), ValueError, "convert_layout", "dst", "'NHWD'"),
    ("convert_layout rank", lambda: convlib.convert_layout(np.ones((1, 2, 3)), "NCHW", "NHWC"), ValueError, "convert_layout", "src", "(1, 2, 3)"),
    ("convert_layout repeated", lambda: convlib.convert_layout(X, "NCHH", "NHHC"), ValueError, "convert_layout", "src", "'NCHH'"),
    ("convert_layout type", lambda: convlib.convert_layout(X, ["N", "C", "H", "W"], "NHWC"), TypeError, "convert_layout", "src", "['N', 'C', 'H', 'W']"),
    ("convert_layout empty", lambda: convlib.convert_layout(np.ones(()), "", ""), ValueError, "convert_layout", "src", "''"),
    # receptive_field's "same" with a stride and no input size
    ("receptive_field same stride", lambda: convlib.receptive_field([convlib.Layer(3, 2, "same")]), ValueError, "receptive_field", "input_size", "stride=2"),
]  # fmt: skip


@pytest.mark.parametrize(
    "call,error,func,param,given", [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_malformed_call_has_a_message_for_people(call, error, func, param, given):
    with pytest.raises(error, match=rf"^{re.escape(func)}: .*\b{re.escape(param)}") as info:
        call()
    message = str(info.value)
    assert given in message, f"the message does not say what was given ({given!r}): {message}"
    assert type(info.value) is error


# --- random malformed arguments ------------------------------------------------------------

settings_values = st.one_of(
    st.integers(-2, 4),
    st.floats(-1, 3),
    st.just(float("nan")),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.lists(st.integers(-1, 3), max_size=3).map(tuple),
    st.lists(st.tuples(st.integers(-1, 3), st.integers(-1, 3)), max_size=3).map(tuple),
    st.sampled_from(["same", "valid", "full", "SAME", "NCHW", "NHWC"]),
)
shapes = st.lists(st.integers(0, 4), min_size=0, max_size=5).map(tuple)
dtypes = st.sampled_from(["float64", "float32", "int64", "uint8", "bool", "complex128", "U1", "O"])


def array(shape, dtype):
    return np.ones(shape, dtype=dtype)


def expect_array_or_named_error(func_name, call):
    try:
        result = call()
    except (ValueError, TypeError) as error:
        assert str(error).startswith(f"{func_name}: "), repr(error)
        assert type(error) in (ValueError, TypeError), repr(error)  # no subclasses such as
        return  # numpy.exceptions.AxisError, nor IndexError, nor broadcasting errors
    assert isinstance(result, (np.ndarray, tuple))


@given(
    shapes, shapes, dtypes, settings_values, settings_values, settings_values,
    settings_values, settings_values, st.booleans(),
)  # fmt: skip
def test_conv2d_random_arguments(x_shape, w_shape, dtype, stride, padding, dilation, groups,
                                 data_format, use_bias):  # fmt: skip
    x, w = array(x_shape, dtype), array(w_shape, "float64")
    bias = np.ones(w_shape[:1]) if use_bias and w_shape else None
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    if isinstance(data_format, str) and data_format in ("NCHW", "NHWC"):
        kwargs["data_format"] = data_format
    expect_array_or_named_error("conv2d", lambda: convlib.conv2d(x, w, bias, **kwargs))


@given(shapes, shapes, settings_values, settings_values, settings_values, settings_values)
def test_conv_transpose2d_random_arguments(x_shape, w_shape, stride, padding, output_padding,
                                           dilation):  # fmt: skip
    x, w = array(x_shape, "float64"), array(w_shape, "float64")
    expect_array_or_named_error(
        "conv_transpose2d",
        lambda: convlib.conv_transpose2d(
            x, w, stride=stride, padding=padding, output_padding=output_padding, dilation=dilation
        ),
    )


@given(shapes, shapes, settings_values, settings_values, settings_values)
def test_conv2d_backward_random_arguments(x_shape, g_shape, stride, padding, dilation):
    x, g = array(x_shape, "float64"), array(g_shape, "float64")
    w = np.ones((2, 1, 2, 2))
    expect_array_or_named_error(
        "conv2d_backward",
        lambda: convlib.conv2d_backward(x, w, g, stride=stride, padding=padding, dilation=dilation),
    )


@given(shapes, dtypes, settings_values, settings_values, settings_values, settings_values,
       st.sampled_from(["max", "avg"]))  # fmt: skip
def test_pooling_random_arguments(x_shape, dtype, kernel, stride, padding, extra, kind):
    x = array(x_shape, dtype)
    if kind == "max":
        call = lambda: convlib.max_pool2d(x, kernel, stride, padding, dilation=extra)  # noqa: E731
    else:
        call = lambda: convlib.avg_pool2d(x, kernel, stride, padding, ceil_mode=extra)  # noqa: E731
    expect_array_or_named_error(f"{kind}_pool2d", call)


@given(shapes, shapes, dtypes, st.sampled_from(["full", "valid", "same", "other"]),
       st.sampled_from(["fill", "wrap", "symm", "other"]), settings_values)  # fmt: skip
def test_correlate2d_random_arguments(a_shape, b_shape, dtype, mode, boundary, fillvalue):
    a, b = array(a_shape, dtype), array(b_shape, "float64")
    expect_array_or_named_error(
        "correlate2d",
        lambda: convlib.correlate2d(a, b, mode=mode, boundary=boundary, fillvalue=fillvalue),
    )


@given(settings_values, settings_values, settings_values, settings_values, settings_values)
def test_output_size_random_arguments(in_size, kernel, stride, padding, dilation):
    def call():
        return np.asarray(convlib.conv_output_size(in_size, kernel, stride, padding, dilation))

    expect_array_or_named_error("conv_output_size", call)
