"""``croissant.json``: MLCommons Croissant 1.0 metadata of a bundle (loadable by mlcroissant)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def _data_type(t: pa.DataType) -> str | None:
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "sc:Text"
    if pa.types.is_boolean(t):
        return "sc:Boolean"
    if pa.types.is_integer(t):
        return "sc:Integer"
    if pa.types.is_floating(t):
        return "sc:Float"
    if pa.types.is_timestamp(t):
        return "sc:Date"
    return None  # lists and structs: in the Parquet, not described as fields


def croissant(
    name: str,
    version: str,
    description: str,
    tables: dict[str, pa.Schema],
    files: dict[str, dict[str, Any]],
    license_: str,
    url: str,
) -> dict[str, Any]:
    """The Croissant document: one FileObject per Parquet table (with its sha256) and one
    RecordSet per table whose fields are its scalar columns, typed."""
    distribution = []
    record_sets = []
    for table, schema in tables.items():
        file = f"{table}.parquet"
        if file not in files:
            continue
        distribution.append(
            {
                "@type": "cr:FileObject",
                "@id": file,
                "name": file,
                "contentUrl": file,
                "encodingFormat": "application/x-parquet",
                "sha256": files[file]["sha256"],
                "contentSize": f"{files[file]['size']} B",
            }
        )
        fields = []
        for col in schema:
            dtype = _data_type(col.type)
            if dtype is None:
                continue
            fields.append(
                {
                    "@type": "cr:Field",
                    "@id": f"{table}/{col.name}",
                    "name": col.name,
                    "dataType": dtype,
                    "source": {"fileObject": {"@id": file}, "extract": {"column": col.name}},
                }
            )
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": table,
                "name": table,
                "key": {"@id": f"{table}/{schema.field(0).name}"},
                "field": fields,
            }
        )
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": name,
        "description": description,
        "version": version,
        "license": license_,
        "url": url,
        "distribution": distribution,
        "recordSet": record_sets,
    }
