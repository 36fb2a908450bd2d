#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the Jazzer fuzz targets (reliability module) into their regression-input
directories. Small valid files of every format, plus the hostile shapes the issue names (a header length of 2^63,
a zip record claiming 4 GB, a deflate bomb, a shape whose product overflows). Needs only the Python standard
library: the PyTorch pickles are written with stand-in `torch` modules, so torch need not be installed.

Run from the repo root:  python3 scripts/make-fuzz-seeds.py
"""
import collections, io, json, os, pickle, struct, sys, types, zipfile, zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reliability", "src", "test", "resources")
FUZZ = os.path.join(ROOT, "io", "finbert4j", "reliability", "fuzz")
WEIGHTS = os.path.join(ROOT, "io", "finbert4j", "weights")


def put(base, cls, method, name, data):
    d = os.path.join(base, cls + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


# ---------------------------------------------------------------- safetensors
def safetensors(header, data=b""):
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


floats = struct.pack("<6f", 1, 2, 3, 4, 5, 6)
put(FUZZ, "SafetensorsFuzzTest", "open", "valid", safetensors(
    {"__metadata__": {"format": "pt"}, "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
     "b": {"dtype": "BF16", "shape": [2], "data_offsets": [24, 28]}}, floats + b"\x80\x3f\x00\x40"))
put(FUZZ, "SafetensorsFuzzTest", "open", "header-length-2-63", struct.pack("<Q", (1 << 63) - 1) + b"{}")
put(FUZZ, "SafetensorsFuzzTest", "open", "shape-product-overflows", safetensors(
    {"w": {"dtype": "F32", "shape": [4294967296, 4294967296, 16], "data_offsets": [0, 0]}}))
put(FUZZ, "SafetensorsFuzzTest", "open", "overlapping-spans", safetensors(
    {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "v": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}},
    floats))

idx = {"metadata": {"total_size": 16}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}
put(FUZZ, "SafetensorsIndexFuzzTest", "openIndex", "valid", json.dumps(idx))
put(FUZZ, "SafetensorsIndexFuzzTest", "openIndex", "dot-dot", json.dumps({"weight_map": {"a": "../model-00001-of-00002.safetensors"}}))
put(FUZZ, "SafetensorsIndexFuzzTest", "openIndex", "nul-in-name", json.dumps({"weight_map": {"a": "model\u0000.safetensors"}}))

# ---------------------------------------------------------------- PyTorch pickles with stand-in torch modules
torch = types.ModuleType("torch")
utils = types.ModuleType("torch._utils")
class FloatStorage:  # noqa: E701 - a class global, pickled by reference as torch.FloatStorage
    pass
FloatStorage.__module__ = "torch"
torch.FloatStorage = FloatStorage
def _rebuild_tensor_v2(*args):
    pass
_rebuild_tensor_v2.__module__ = "torch._utils"
utils._rebuild_tensor_v2 = _rebuild_tensor_v2
torch._utils = utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = utils


class StorageRef:
    def __init__(self, key, numel, legacy):
        self.key, self.numel, self.legacy = key, numel, legacy


class TensorRef:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())

    def __reduce__(self):
        return (_rebuild_tensor_v2, self.args)


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, StorageRef):
            pid = ("storage", FloatStorage, obj.key, "cpu", obj.numel)
            return pid + (None,) if obj.legacy else pid
        return None


def dumps(obj):
    b = io.BytesIO()
    TorchPickler(b, protocol=2).dump(obj)
    return b.getvalue()


def state_dict(legacy):
    s = StorageRef("0", 6, legacy)
    return collections.OrderedDict([
        ("bert.pooler.dense.weight", TensorRef(s, 0, (2, 2), (2, 1))),
        ("bert.pooler.dense.bias", TensorRef(s, 4, (2,), (1,))),  # a view into the same storage
    ])


def torch_zip(records, method=zipfile.ZIP_STORED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for name, data in records:
            z.writestr(name, data)
    return b.getvalue()


zip_records = [("archive/data.pkl", dumps(state_dict(False))), ("archive/byteorder", b"little"),
               ("archive/data/0", floats), ("archive/version", b"3\n")]
valid_zip = torch_zip(zip_records)
put(FUZZ, "PyTorchCheckpointFuzzTest", "read", "valid-zip", valid_zip)
put(WEIGHTS, "ZipIndexFuzzTest", "records", "valid-zip", valid_zip)
put(FUZZ, "PyTorchCheckpointFuzzTest", "read", "valid-zip-deflated", torch_zip(zip_records, zipfile.ZIP_DEFLATED))


def patch_sizes(z, new_size):
    """Sets every central-directory record's uncompressed size to new_size (a record that lies about its size)."""
    b = bytearray(z)
    i = b.find(b"PK\x01\x02")
    while i >= 0:
        struct.pack_into("<I", b, i + 24, new_size)
        i = b.find(b"PK\x01\x02", i + 4)
    return bytes(b)


claims_4gb = patch_sizes(torch_zip(zip_records, zipfile.ZIP_DEFLATED), 0xFFFFFFFE)
put(FUZZ, "PyTorchCheckpointFuzzTest", "read", "record-claims-4gb", claims_4gb)
put(WEIGHTS, "ZipIndexFuzzTest", "records", "record-claims-4gb", claims_4gb)
# (the deflate bomb, 1.5 GiB of zeros in 1.5 MB, is built in memory by ZipCapsTest rather than kept as a seed)

# legacy format: magic, protocol 1001, sys info, main pickle, storage keys, then per storage int64 numel + data
legacy = (dumps(0x1950a86a20f9469cfc6c) + dumps(1001)
          + dumps({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}})
          + dumps(state_dict(True)) + dumps(["0"]) + struct.pack("<q", 6) + floats)
put(FUZZ, "PyTorchCheckpointFuzzTest", "read", "valid-legacy", legacy)
put(WEIGHTS, "UnpicklerFuzzTest", "load", "state-dict", dumps(state_dict(False)))
put(WEIGHTS, "UnpicklerFuzzTest", "load", "os-system", b"cos\nsystem\n(S'echo pwned'\ntR.")
put(WEIGHTS, "UnpicklerFuzzTest", "load", "deep-nesting", b"(" * 5000 + b"l" * 5000 + b".")

# ---------------------------------------------------------------- config / tokenizer files
put(FUZZ, "BertConfigFuzzTest", "load", "finbert", json.dumps({
    "architectures": ["BertForSequenceClassification"], "hidden_size": 16, "num_hidden_layers": 1,
    "num_attention_heads": 2, "intermediate_size": 37, "vocab_size": 30522, "max_position_embeddings": 512,
    "type_vocab_size": 2, "hidden_act": "gelu", "id2label": {"0": "positive", "1": "negative", "2": "neutral"},
    "label2id": {"positive": 0, "negative": 1, "neutral": 2}, "layer_norm_eps": 1e-12}))
put(FUZZ, "BertConfigFuzzTest", "load", "huge-sizes", json.dumps({"hidden_size": 2147483647, "num_attention_heads": 1,
    "num_hidden_layers": 2147483647, "vocab_size": 9223372036854775807, "id2label": {"99999999": "x"}}))
put(FUZZ, "TokenizerConfigFuzzTest", "load", "bert", b"\x00" + json.dumps({"do_lower_case": True, "model_max_length": 512,
    "never_split": ["EUR"], "additional_special_tokens": ["[NEW]"], "unk_token": {"content": "[UNK]"}}).encode())
put(FUZZ, "TokenizerConfigFuzzTest", "load", "odd-types", bytes([len(json.dumps({"additional_special_tokens": ["[X]"], "cls_token": "[CLS]"}).encode())]) + json.dumps({"additional_special_tokens": ["[X]"], "cls_token": "[CLS]"}).encode() + json.dumps({"model_max_length": -5, "unk_token": 3,
    "do_lower_case": "yes", "never_split": "x"}).encode())
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "profit", "rose", "##s", "to", "eur", "mn", "from", ".", "1", "3"]
put(FUZZ, "VocabFuzzTest", "load", "small", "\n".join(vocab) + "\n")
put(FUZZ, "VocabFuzzTest", "load", "crlf-and-invalid-utf8", b"[PAD]\r\n[UNK]\r[CLS]\n[SEP]\n\xff\xfe\n")
put(FUZZ, "TokenizerJsonFuzzTest", "load", "bert", json.dumps({
    "version": "1.0", "truncation": {"max_length": 16}, "padding": None,
    "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
                      "special": True} for i, t in enumerate(vocab[:5])],
    "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None,
                   "lowercase": True},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}}}))
put(FUZZ, "TokenizerUnicodeFuzzTest", "encode", "surrogates-nul-combining",
    b"\x02\x00\x20" + "a\u0301\u0000\ud800 b\udc00\u200d\u4e2d\U0001F600 EUR 13.1 mn\uffffpair \u0000 text".encode("utf-16-be", "surrogatepass"))
put(FUZZ, "TokenizerUnicodeFuzzTest", "encode", "one-megabyte", b"\x01\x02\x00" + "Profit rose 5 % ".encode("utf-16-be"))
print("seeds written under", os.path.normpath(ROOT))
