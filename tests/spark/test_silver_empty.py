"""A first run with no data: every silver and gold table is built, empty, with its schema."""

from __future__ import annotations

from pyspark.sql import SparkSession

from claimlake.contracts.schemas import load_layer
from claimlake.transforms.frames import raw_frames
from claimlake.transforms.gold import build_gold
from claimlake.transforms.schema import struct_type
from claimlake.transforms.silver import build_silver


def test_empty_raw_gives_empty_silver_and_gold(spark: SparkSession) -> None:
    silver = {name: df.localCheckpoint(eager=True) for name, df in build_silver(raw_frames(spark, {})).items()}
    gold = build_gold(silver)
    for layer, tables in (("silver", silver), ("gold", gold)):
        assert sorted(tables) == sorted(load_layer(layer))
        for name, df in tables.items():
            expected = [(f.name, f.dataType) for f in struct_type(layer, name).fields]
            assert [(f.name, f.dataType) for f in df.schema.fields] == expected, name
            assert df.isEmpty(), name
