"""Importers of annotation-tool exports, registered by format name."""

from labelrelease.formats.base import FileRejected, Importer, SourceFile
from labelrelease.formats.registry import detect, get, names, register

__all__ = ["FileRejected", "Importer", "SourceFile", "detect", "get", "names", "register"]
