"""Layer lists of classic networks, with their published receptive fields.

Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
Networks", Distill (2019), https://distill.pub/2019/computing-receptive-fields,
doi:10.23915/distill.00021, report the receptive field size ``r``, effective
stride ``S`` and effective padding ``P`` of popular networks, computed with
their library on the TF-Slim implementations of those networks
(``tensorflow/models``, ``research/slim/nets``). The values in
:data:`PUBLISHED` are copied from that library's tables:
``README.md`` and ``receptive_field/RECEPTIVE_FIELD_TABLE.md`` of
https://github.com/google-research/receptive_field (the article's companion
code), one row per end-point and input resolution.

:func:`layers` gives, for each network, the layers a signal passes through on
its way from the input to the last end-point, as :class:`~convlib.Layer`
objects along one spatial axis, the height. Networks with several branches (ResNet's
residual and shortcut paths, Inception's mixed blocks) are followed along the
branch with the largest receptive field, which is the branch that decides
``r`` (Araujo et al., section "Arbitrary computation graphs"); in these
networks all branches of a block are centred on the same input point, so that
branch also gives ``P``.

The layer lists follow the TF-Slim code (whose ``resnet_v1``, for example,
puts each block's stride in the block's last unit); an implementation that
places strides or padding elsewhere has other receptive fields.

Examples
--------
>>> from convlib import receptive_field
>>> from convlib.networks import PUBLISHED, layers
>>> rf = receptive_field(layers("vgg_16"))
>>> rf.size, rf.stride, rf.padding
(212, 32, 90)
>>> PUBLISHED["vgg_16"][-1]
Published(endpoint='vgg_16/pool5', input_size=224, size=212, stride=32, padding=90)
"""

from __future__ import annotations

from dataclasses import dataclass

from .receptive_field import Layer

__all__ = ["NETWORKS", "PUBLISHED", "Published", "endpoint_layers", "layers"]


@dataclass(frozen=True)
class Published:
    """One published receptive field: a network's end-point at an input size."""

    #: The end-point's name in the published table (a prefix of layer names in :func:`layers`).
    endpoint: str
    #: Input height and width the row was computed for.
    input_size: int
    #: Receptive field size ``r``.
    size: int
    #: Effective stride ``S``.
    stride: int
    #: Effective padding ``P``.
    padding: int


def _alexnet_v2() -> list[Layer]:
    # Convolutions use "SAME" padding and poolings "VALID" (the arg_scope of slim's alexnet_v2);
    # conv1 overrides it with "VALID".
    return [
        Layer(11, 4, "valid", name="alexnet_v2/conv1"),
        Layer(3, 2, "valid", name="alexnet_v2/pool1"),
        Layer(5, 1, "same", name="alexnet_v2/conv2"),
        Layer(3, 2, "valid", name="alexnet_v2/pool2"),
        Layer(3, 1, "same", name="alexnet_v2/conv3"),
        Layer(3, 1, "same", name="alexnet_v2/conv4"),
        Layer(3, 1, "same", name="alexnet_v2/conv5"),
        Layer(3, 2, "valid", name="alexnet_v2/pool5"),
    ]


def _vgg_16() -> list[Layer]:
    stack = []
    for block, repeats in enumerate((2, 2, 3, 3, 3), start=1):
        for index in range(1, repeats + 1):
            stack.append(Layer(3, 1, "same", name=f"vgg_16/conv{block}/conv{block}_{index}"))
        stack.append(Layer(2, 2, "valid", name=f"vgg_16/pool{block}"))
    return stack


def _resnet_v1(depth: int) -> list[Layer]:
    units = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}[depth]
    strides = (2, 2, 2, 1)
    net = f"resnet_v1_{depth}"
    # conv1 is slim's conv2d_same: explicit padding k - 1 = 6 split (3, 3), then "VALID".
    stack = [
        Layer(7, 2, 3, name=f"{net}/conv1"),
        Layer(3, 2, "same", name=f"{net}/pool1"),
    ]
    for block, (count, block_stride) in enumerate(zip(units, strides), start=1):
        for unit in range(1, count + 1):
            # The bottleneck's residual branch: 1x1, 3x3, 1x1. TF-Slim puts the block's stride on
            # the 3x3 of the block's last unit, through conv2d_same: explicit (1, 1) padding.
            stride = block_stride if unit == count else 1
            prefix = f"{net}/block{block}/unit_{unit}/bottleneck_v1"
            stack += [
                Layer(1, 1, 0, name=f"{prefix}/conv1"),
                Layer(3, stride, 1, name=f"{prefix}/conv2"),
                Layer(1, 1, 0, name=f"{prefix}/conv3"),
            ]
    return stack


def _mobilenet_v1() -> list[Layer]:
    # Every convolution uses "SAME" padding; the stride-2 ones therefore need the input size.
    stack = [Layer(3, 2, "same", name="Conv2d_0")]
    strides = (1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1)
    for index, stride in enumerate(strides, start=1):
        stack += [
            Layer(3, stride, "same", name=f"Conv2d_{index}_depthwise"),
            Layer(1, 1, "same", name=f"Conv2d_{index}_pointwise"),
        ]
    return stack


def _inception_v3() -> list[Layer]:
    # Heights of the kernels along the branch with the largest receptive field of each block.
    # Non-square kernels such as 1x7 (height 1) and 7x1 (height 7) enter with their height.
    stack = [
        Layer(3, 2, "valid", name="Conv2d_1a_3x3"),
        Layer(3, 1, "valid", name="Conv2d_2a_3x3"),
        Layer(3, 1, "same", name="Conv2d_2b_3x3"),
        Layer(3, 2, "valid", name="MaxPool_3a_3x3"),
        Layer(1, 1, "valid", name="Conv2d_3b_1x1"),
        Layer(3, 1, "valid", name="Conv2d_4a_3x3"),
        Layer(3, 2, "valid", name="MaxPool_5a_3x3"),
    ]
    for block in ("Mixed_5b", "Mixed_5c", "Mixed_5d"):
        stack += [
            Layer(1, 1, "same", name=f"{block}/Branch_2/Conv2d_0a_1x1"),
            Layer(3, 1, "same", name=f"{block}/Branch_2/Conv2d_0b_3x3"),
            Layer(3, 1, "same", name=f"{block}/Branch_2/Conv2d_0c_3x3"),
        ]
    stack += [
        Layer(1, 1, "same", name="Mixed_6a/Branch_1/Conv2d_0a_1x1"),
        Layer(3, 1, "same", name="Mixed_6a/Branch_1/Conv2d_0b_3x3"),
        Layer(3, 2, "valid", name="Mixed_6a/Branch_1/Conv2d_1a_1x1"),  # slim's name; a 3x3
    ]
    for block in ("Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"):
        stack += [
            Layer(1, 1, "same", name=f"{block}/Branch_2/Conv2d_0a_1x1"),
            Layer(7, 1, "same", name=f"{block}/Branch_2/Conv2d_0b_7x1"),
            Layer(1, 1, "same", name=f"{block}/Branch_2/Conv2d_0c_1x7"),
            Layer(7, 1, "same", name=f"{block}/Branch_2/Conv2d_0d_7x1"),
            Layer(1, 1, "same", name=f"{block}/Branch_2/Conv2d_0e_1x7"),
        ]
    stack += [
        Layer(1, 1, "same", name="Mixed_7a/Branch_1/Conv2d_0a_1x1"),
        Layer(1, 1, "same", name="Mixed_7a/Branch_1/Conv2d_0b_1x7"),
        Layer(7, 1, "same", name="Mixed_7a/Branch_1/Conv2d_0c_7x1"),
        Layer(3, 2, "valid", name="Mixed_7a/Branch_1/Conv2d_1a_3x3"),
    ]
    for block in ("Mixed_7b", "Mixed_7c"):
        stack += [
            Layer(1, 1, "same", name=f"{block}/Branch_2/Conv2d_0a_1x1"),
            Layer(3, 1, "same", name=f"{block}/Branch_2/Conv2d_0b_3x3"),
            Layer(3, 1, "same", name=f"{block}/Branch_2/Conv2d_0d_3x1"),
        ]
    return stack


_BUILDERS = {
    "alexnet_v2": _alexnet_v2,
    "vgg_16": _vgg_16,
    "inception_v3": _inception_v3,
    "mobilenet_v1": _mobilenet_v1,
    "resnet_v1_50": lambda: _resnet_v1(50),
    "resnet_v1_101": lambda: _resnet_v1(101),
    "resnet_v1_152": lambda: _resnet_v1(152),
}

#: Names of the networks :func:`layers` knows, as the published tables spell them.
NETWORKS: tuple[str, ...] = tuple(_BUILDERS)


def _rows(input_size: int, rows: str) -> tuple[Published, ...]:
    """Parse ``endpoint r S P`` lines of a published table."""
    out = []
    for line in rows.strip().splitlines():
        endpoint, size, stride, padding = line.split()
        out.append(Published(endpoint, input_size, int(size), int(stride), int(padding)))
    return tuple(out)


#: Published receptive fields, per network, from the tables of Araujo et al.'s library
#: (google-research/receptive_field, RECEPTIVE_FIELD_TABLE.md and README.md). Rows are
#: ``Published(endpoint, input_size, size=r, stride=S, padding=P)``, first end-point first.
PUBLISHED: dict[str, tuple[Published, ...]] = {
    "alexnet_v2": _rows(
        224,
        """
        alexnet_v2/conv1 11 4 0
        alexnet_v2/pool1 19 8 0
        alexnet_v2/conv2 51 8 16
        alexnet_v2/conv3 99 16 32
        alexnet_v2/conv4 131 16 48
        alexnet_v2/conv5 163 16 64
        alexnet_v2/pool5 195 32 64
        """,
    ),
    "vgg_16": _rows(
        224,
        """
        vgg_16/conv1/conv1_1 3 1 1
        vgg_16/pool1 6 2 2
        vgg_16/conv2/conv2_1 10 2 4
        vgg_16/pool2 16 4 6
        vgg_16/conv3/conv3_1 24 4 10
        vgg_16/conv3/conv3_2 32 4 14
        vgg_16/pool3 44 8 18
        vgg_16/conv4/conv4_1 60 8 26
        vgg_16/conv4/conv4_2 76 8 34
        vgg_16/pool4 100 16 42
        vgg_16/conv5/conv5_1 132 16 58
        vgg_16/conv5/conv5_2 164 16 74
        vgg_16/pool5 212 32 90
        """,
    ),
    "inception_v3": _rows(
        224,
        """
        Conv2d_1a_3x3 3 2 0
        Conv2d_2a_3x3 7 2 0
        Conv2d_2b_3x3 11 2 2
        MaxPool_3a_3x3 15 4 2
        Conv2d_3b_1x1 15 4 2
        Conv2d_4a_3x3 23 4 2
        MaxPool_5a_3x3 31 8 2
        Mixed_5b 63 8 18
        Mixed_5c 95 8 34
        Mixed_5d 127 8 50
        Mixed_6a 159 16 58
        Mixed_6b 351 16 154
        Mixed_6c 543 16 250
        Mixed_6d 735 16 346
        Mixed_6e 927 16 442
        Mixed_7a 1055 32 490
        Mixed_7b 1183 32 554
        Mixed_7c 1311 32 618
        """,
    ),
    "mobilenet_v1": _rows(
        224,
        """
        Conv2d_0 3 2 0
        Conv2d_1_pointwise 7 2 2
        Conv2d_2_pointwise 11 4 2
        Conv2d_3_pointwise 19 4 6
        Conv2d_4_pointwise 27 8 6
        Conv2d_5_pointwise 43 8 14
        Conv2d_6_pointwise 59 16 14
        Conv2d_7_pointwise 91 16 30
        Conv2d_8_pointwise 123 16 46
        Conv2d_9_pointwise 155 16 62
        Conv2d_10_pointwise 187 16 78
        Conv2d_11_pointwise 219 16 94
        Conv2d_12_pointwise 251 32 94
        Conv2d_13_pointwise 315 32 126
        """,
    )
    + _rows(
        321,
        """
        Conv2d_0 3 2 1
        Conv2d_1_pointwise 7 2 3
        Conv2d_2_pointwise 11 4 5
        Conv2d_3_pointwise 19 4 9
        Conv2d_4_pointwise 27 8 13
        Conv2d_5_pointwise 43 8 21
        Conv2d_6_pointwise 59 16 29
        Conv2d_7_pointwise 91 16 45
        Conv2d_8_pointwise 123 16 61
        Conv2d_9_pointwise 155 16 77
        Conv2d_10_pointwise 187 16 93
        Conv2d_11_pointwise 219 16 109
        Conv2d_12_pointwise 251 32 125
        Conv2d_13_pointwise 315 32 157
        """,
    ),
    "resnet_v1_50": _rows(
        224,
        """
        resnet_v1_50/block1 35 8 15
        resnet_v1_50/block2 99 16 47
        resnet_v1_50/block3 291 32 143
        resnet_v1_50/block4 483 32 239
        """,
    )
    + _rows(
        321,
        """
        resnet_v1_50/block1 35 8 17
        resnet_v1_50/block2 99 16 49
        resnet_v1_50/block3 291 32 145
        resnet_v1_50/block4 483 32 241
        """,
    ),
    "resnet_v1_101": _rows(224, "resnet_v1_101/block4 1027 32 511"),
    "resnet_v1_152": _rows(224, "resnet_v1_152/block4 1507 32 751"),
}


def _check_network(network: str, func: str) -> None:
    if not isinstance(network, str):
        raise TypeError(
            f"{func}: network must be one of {', '.join(map(repr, NETWORKS))}, "
            f"got {type(network).__name__}"
        )
    if network not in _BUILDERS:
        raise ValueError(
            f"{func}: network must be one of {', '.join(map(repr, NETWORKS))}, got {network!r}"
        )


def layers(network: str) -> list[Layer]:
    """The layers of a classic network, input first, along one spatial axis.

    Parameters
    ----------
    network : str
        One of :data:`NETWORKS`: ``"alexnet_v2"``, ``"vgg_16"``,
        ``"inception_v3"``, ``"mobilenet_v1"``, ``"resnet_v1_50"``,
        ``"resnet_v1_101"`` or ``"resnet_v1_152"`` (TF-Slim's definitions).

    Returns
    -------
    list of Layer
        Convolutions and poolings up to the network's last published
        end-point, each named by its TF-Slim scope; for multi-branch blocks,
        the branch with the largest receptive field.

    Examples
    --------
    >>> from convlib import receptive_field
    >>> stack = layers("alexnet_v2")
    >>> [layer.name for layer in stack[:2]]
    ['alexnet_v2/conv1', 'alexnet_v2/pool1']
    >>> rf = receptive_field(stack)
    >>> rf.size, rf.stride, rf.padding
    (195, 32, 64)

    MobileNet's stride-2 "SAME" layers pad according to the input size:

    >>> rf = receptive_field(layers("mobilenet_v1"), input_size=224)
    >>> rf.size, rf.stride, rf.padding
    (315, 32, 126)
    """
    _check_network(network, "layers")
    return _BUILDERS[network]()


def endpoint_layers(network: str, endpoint: str) -> list[Layer]:
    """The layers of ``network`` up to and including the end-point ``endpoint``.

    Parameters
    ----------
    network : str
        One of :data:`NETWORKS`.
    endpoint : str
        An end-point name as in :data:`PUBLISHED`, e.g. ``"vgg_16/pool3"`` or
        ``"Mixed_6a"``: a layer's name or a prefix of layer names followed by
        ``"/"``.

    Returns
    -------
    list of Layer
        The first layers of :func:`layers`, through the last layer that
        belongs to ``endpoint``.

    Examples
    --------
    >>> from convlib import receptive_field
    >>> stack = endpoint_layers("resnet_v1_50", "resnet_v1_50/block1")
    >>> len(stack), stack[-1].name
    (11, 'resnet_v1_50/block1/unit_3/bottleneck_v1/conv3')
    >>> receptive_field(stack, input_size=224).padding
    15
    """
    _check_network(network, "endpoint_layers")
    stack = _BUILDERS[network]()
    last = [
        index
        for index, layer in enumerate(stack)
        if layer.name == endpoint or layer.name.startswith(endpoint + "/")
    ]
    if not last:
        raise ValueError(
            f"endpoint_layers: endpoint {endpoint!r} names no layer of {network!r}; "
            f"end-points with published values are "
            f"{', '.join(row.endpoint for row in PUBLISHED[network])}"
        )
    return stack[: last[-1] + 1]
