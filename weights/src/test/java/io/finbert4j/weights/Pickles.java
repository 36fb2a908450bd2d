package io.finbert4j.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test helper: builds pickle byte streams opcode by opcode (including hostile ones) and wraps them into PyTorch zip
 * and legacy containers, so the reader can be tested without Python.
 */
final class Pickles {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static Pickles create() {
    return new Pickles();
  }

  Pickles op(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  Pickles proto(int p) {
    return op(0x80, p);
  }

  Pickles mark() {
    return op('(');
  }

  Pickles stop() {
    return op('.');
  }

  Pickles global(String module, String name) {
    op('c');
    out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    return this;
  }

  Pickles stackGlobal(String module, String name) {
    return str(module).str(name).op(0x93);
  }

  Pickles str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    op('X');
    le32(b.length);
    out.writeBytes(b);
    return this;
  }

  Pickles integer(long v) {
    if (v >= 0 && v < 256) {
      return op('K', (int) v);
    }
    if (v >= 0 && v < 65536) {
      return op('M', (int) (v & 0xFF), (int) (v >>> 8));
    }
    if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      op('J');
      return le32((int) v);
    }
    op(0x8a, 8);
    for (int i = 0; i < 8; i++) {
      out.write((int) (v >>> (8 * i)));
    }
    return this;
  }

  Pickles le32(int v) {
    for (int i = 0; i < 4; i++) {
      out.write(v >>> (8 * i));
    }
    return this;
  }

  Pickles tupleOfLongs(long... v) {
    mark();
    for (long x : v) {
      integer(x);
    }
    return op('t');
  }

  Pickles reduce() {
    return op('R');
  }

  Pickles none() {
    return op('N');
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  /** One tensor of a hand-made state dict: a view (offset, size, stride) into a storage. */
  record TensorSpec(String name, String storageKey, String storageType, long storageNumel, long offset, long[] size,
      long[] stride) {}

  /** The data.pkl that torch.save writes for an OrderedDict of tensors (legacy adds the view-metadata None). */
  static byte[] stateDict(List<TensorSpec> tensors, boolean legacy) {
    Pickles p = create().proto(2).global("collections", "OrderedDict").op(')').reduce().mark();
    for (TensorSpec t : tensors) {
      p.str(t.name).global("torch._utils", "_rebuild_tensor_v2").mark();
      p.mark().str("storage").global("torch", t.storageType).str(t.storageKey).str("cpu").integer(t.storageNumel);
      if (legacy) {
        p.none();
      }
      p.op('t').op('Q');
      p.integer(t.offset).tupleOfLongs(t.size).tupleOfLongs(t.stride).op(0x89);
      p.global("collections", "OrderedDict").op(')').reduce();
      p.op('t').reduce();
    }
    return p.op('u').stop().bytes();
  }

  /** Writes a torch zip checkpoint: {@code root/data.pkl}, {@code root/byteorder}, {@code root/data/<key>}. */
  static void writeZip(Path file, String root, byte[] dataPkl, Map<String, byte[]> storages) throws IOException {
    Map<String, byte[]> records = new LinkedHashMap<>();
    records.put(root + "/data.pkl", dataPkl);
    records.put(root + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
    storages.forEach((k, v) -> records.put(root + "/data/" + k, v));
    records.put(root + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    writeStoredZip(file, records);
  }

  static void writeStoredZip(Path file, Map<String, byte[]> records) throws IOException {
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : records.entrySet()) {
        ZipEntry ze = new ZipEntry(e.getKey());
        ze.setMethod(ZipEntry.STORED);
        ze.setSize(e.getValue().length);
        ze.setCompressedSize(e.getValue().length);
        CRC32 crc = new CRC32();
        crc.update(e.getValue());
        ze.setCrc(crc.getValue());
        z.putNextEntry(ze);
        z.write(e.getValue());
        z.closeEntry();
      }
    }
  }

  /** Writes a legacy (pre-1.6) checkpoint: magic, protocol, sys info, main pickle, keys, raw storages. */
  static void writeLegacy(Path file, byte[] mainPickle, Map<String, ByteBuffer> storagesByKey, Map<String, Integer> elemSize)
      throws IOException {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(create().proto(2).op(0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).stop().bytes());
    o.writeBytes(create().proto(2).integer(1001).stop().bytes());
    o.writeBytes(
        create().proto(2).op('}').mark().str("protocol_version").integer(1001).str("little_endian").op(0x88)
            .op('u').stop().bytes());
    o.writeBytes(mainPickle);
    Pickles keys = create().proto(2).op(']').mark();
    for (String k : storagesByKey.keySet()) {
      keys.str(k);
    }
    o.writeBytes(keys.op('e').stop().bytes());
    for (Map.Entry<String, ByteBuffer> e : storagesByKey.entrySet()) {
      ByteBuffer b = e.getValue().duplicate();
      ByteBuffer n = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      n.putLong(b.remaining() / elemSize.get(e.getKey()));
      o.writeBytes(n.array());
      byte[] raw = new byte[b.remaining()];
      b.get(raw);
      o.writeBytes(raw);
    }
    Files.write(file, o.toByteArray());
  }

  static byte[] floatsLE(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  static List<TensorSpec> list(TensorSpec... t) {
    return new ArrayList<>(List.of(t));
  }
}
