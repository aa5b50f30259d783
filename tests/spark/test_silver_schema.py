"""Every silver table the build returns matches its schema YAML exactly (names, order, Spark types)."""

from __future__ import annotations

from pyspark.sql import SparkSession
from test_silver_world import world_silver

from claimlake.contracts.schemas import load_layer
from claimlake.transforms.schema import spark_type, struct_type


def test_every_silver_table_matches_its_schema(spark: SparkSession) -> None:
    silver = world_silver(spark)
    assert sorted(silver) == sorted(load_layer("silver"))
    for name, df in silver.items():
        expected = [(c.name, spark_type(c.type)) for c in load_layer("silver")[name].columns]
        assert [(f.name, f.dataType) for f in df.schema.fields] == expected, name


def test_spark_types_follow_the_yaml_types() -> None:
    fields = {f.name: f.dataType.simpleString() for f in struct_type("silver", "claim").fields}
    assert (fields["claim_key"], fields["total_charge_amt"], fields["bht_date"], fields["is_current"]) == (
        "bigint", "decimal(18,2)", "date", "boolean",
    )
