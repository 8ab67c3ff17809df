"""The generated region's shape: the default region's towns and weights, or a workspace's towns of several
districts, each district with the same share of firms."""

from __future__ import annotations

import numpy as np
import pytest

from xinyong.ingest.contract import Town, reference_rows, shipped_towns
from xinyong.synth.shape import Shape


def test_the_default_region_is_the_shipped_towns_with_their_weights() -> None:
    shape = Shape.of()
    assert shape.towns == shipped_towns() and shape.divisions == ("330802",) and shape.division == "330802"
    assert shape.weights().tolist() == [float(row["weight"]) for row in reference_rows("towns.csv")]


def test_a_city_of_two_districts_weighs_them_alike() -> None:
    qujiang = (Town("樟潭街道", "东", "樟潭所", "330803"), Town("高家镇", "西", "高家所", "330803"))
    shape = Shape.of((*shipped_towns(), *qujiang))
    assert shape.divisions == ("330802", "330803") and shape.division == "330800"
    weights = shape.weights()
    kecheng, others = weights[:18], weights[18:]
    assert np.isclose(kecheng.sum(), others.sum()) and others[0] == others[1]  # 衢江区's towns: 1 each, scaled
    assert kecheng.tolist() == [float(row["weight"]) for row in reference_rows("towns.csv")]  # the larger total
    assert shape.town_divisions().tolist() == ["330802"] * 18 + ["330803"] * 2


def test_towns_of_two_provinces_make_no_region() -> None:
    shape = Shape.of((Town("府山街道", "西", "府山所", "330802"), Town("东华门街道", "东", "东华门所", "110101")))
    with pytest.raises(ValueError, match="lie in no one division"):
        _ = shape.division
