package io.finbert4j.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A minimal reader of a zip archive's central directory (with ZIP64), enough for PyTorch checkpoints: it finds each
 * record's data so that stored (uncompressed) records, which is what {@code torch.save} writes, can be handed out as
 * zero-copy slices of the mapping. Deflated records are inflated into memory, bounded by their declared size.
 * Every offset and size is checked against the file; a corrupt archive raises a {@link TensorFormatException}.
 */
final class ZipIndex {
  private static final int EOCD_SIG = 0x06054b50;
  private static final int EOCD_MIN = 22;
  private static final int MAX_COMMENT = 0xFFFF;
  private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
  private static final int ZIP64_LOCATOR_SIZE = 20;
  private static final int ZIP64_EOCD_SIG = 0x06064b50;
  private static final int CEN_SIG = 0x02014b50;
  private static final int CEN_HEADER = 46;
  private static final int LOC_SIG = 0x04034b50;
  private static final int LOC_HEADER = 30;
  private static final int ZIP64_EXTRA_ID = 0x0001;
  private static final long U32_MAX = 0xFFFFFFFFL;
  private static final int U16_MAX = 0xFFFF;
  private static final int STORED = 0;
  private static final int DEFLATED = 8;
  /** Inflation step: memory grows by at most this much beyond the bytes actually produced. */
  private static final int INFLATE_CHUNK = 1 << 16;
  /**
   * Cap on the inflated size of one deflated record (the heap it may take). {@code torch.save} writes every record
   * stored, so compressed records are rare and small (a re-zipped archive's pickle); stored records of any size
   * are zero-copy slices and not limited by this.
   */
  static final long MAX_INFLATED_BYTES = 256L << 20;
  /** Local file header starts with "PK\3\4". */
  static final int LOCAL_MAGIC = LOC_SIG;

  /** One record of the archive. */
  record Record(String name, int method, long compressedSize, long size, long localHeaderOffset) {}

  private final MappedFile file;
  private final LinkedHashMap<String, Record> records = new LinkedHashMap<>();

  ZipIndex(MappedFile file) throws IOException {
    this.file = file;
    readCentralDirectory();
  }

  Map<String, Record> records() {
    return records;
  }

  private TensorFormatException corrupt(String msg) {
    return new TensorFormatException(file.path() + ": corrupt zip archive: " + msg);
  }

  private void readCentralDirectory() throws IOException {
    long size = file.size();
    if (size < EOCD_MIN) {
      throw corrupt("file is " + size + " bytes, too short for an end-of-central-directory record");
    }
    long tailLen = Math.min(size, EOCD_MIN + MAX_COMMENT);
    ByteBuffer tail = file.slice(size - tailLen, tailLen, "zip trailer");
    int eocd = -1;
    for (int i = (int) tailLen - EOCD_MIN; i >= 0; i--) {
      if (tail.getInt(i) == EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      throw corrupt("no end-of-central-directory record (truncated or not a zip)");
    }
    long entries = tail.getShort(eocd + 10) & U16_MAX;
    long cdSize = tail.getInt(eocd + 12) & U32_MAX;
    long cdOffset = tail.getInt(eocd + 16) & U32_MAX;
    long eocdPos = size - tailLen + eocd;
    if (entries == U16_MAX || cdSize == U32_MAX || cdOffset == U32_MAX) {
      // ZIP64: the locator sits right before the classic record
      if (eocdPos < ZIP64_LOCATOR_SIZE) {
        throw corrupt("ZIP64 markers without a ZIP64 locator");
      }
      ByteBuffer loc = file.slice(eocdPos - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE, "ZIP64 locator");
      if (loc.getInt(0) != ZIP64_LOCATOR_SIG) {
        throw corrupt("ZIP64 markers without a ZIP64 locator");
      }
      long z64 = loc.getLong(8);
      ByteBuffer rec = file.slice(z64, 56, "ZIP64 end-of-central-directory record");
      if (rec.getInt(0) != ZIP64_EOCD_SIG) {
        throw corrupt("bad ZIP64 end-of-central-directory signature at byte " + z64);
      }
      entries = rec.getLong(32);
      cdSize = rec.getLong(40);
      cdOffset = rec.getLong(48);
    }
    if (cdOffset < 0 || cdSize < 0 || cdOffset > size || cdSize > size - cdOffset) {
      throw corrupt("central directory [" + cdOffset + ", +" + cdSize + ") lies outside the file (" + size + " bytes)");
    }
    if (entries < 0 || entries > cdSize / CEN_HEADER) {
      throw corrupt(entries + " entries cannot fit a central directory of " + cdSize + " bytes");
    }
    ByteBuffer cd = file.slice(cdOffset, cdSize, "central directory");
    int p = 0;
    for (long i = 0; i < entries; i++) {
      if (p + CEN_HEADER > cd.limit() || cd.getInt(p) != CEN_SIG) {
        throw corrupt("central directory entry " + i + " is truncated or has a bad signature");
      }
      int method = cd.getShort(p + 10) & U16_MAX;
      long csize = cd.getInt(p + 20) & U32_MAX;
      long usize = cd.getInt(p + 24) & U32_MAX;
      int nameLen = cd.getShort(p + 28) & U16_MAX;
      int extraLen = cd.getShort(p + 30) & U16_MAX;
      int commentLen = cd.getShort(p + 32) & U16_MAX;
      long lho = cd.getInt(p + 42) & U32_MAX;
      int end = p + CEN_HEADER + nameLen + extraLen + commentLen;
      if (end > cd.limit()) {
        throw corrupt("central directory entry " + i + " runs past the directory");
      }
      byte[] nameBytes = new byte[nameLen];
      cd.get(p + CEN_HEADER, nameBytes);
      String name = new String(nameBytes, StandardCharsets.UTF_8);
      // ZIP64 extra: the 64-bit values of the fields that hold 0xFFFFFFFF, in this order
      int x = p + CEN_HEADER + nameLen;
      int xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        int id = cd.getShort(x) & U16_MAX;
        int len = cd.getShort(x + 2) & U16_MAX;
        if (x + 4 + len > xEnd) {
          throw corrupt("extra field of " + name + " runs past its entry");
        }
        if (id == ZIP64_EXTRA_ID) {
          int q = x + 4;
          int qEnd = q + len;
          if (usize == U32_MAX && q + 8 <= qEnd) {
            usize = cd.getLong(q);
            q += 8;
          }
          if (csize == U32_MAX && q + 8 <= qEnd) {
            csize = cd.getLong(q);
            q += 8;
          }
          if (lho == U32_MAX && q + 8 <= qEnd) {
            lho = cd.getLong(q);
          }
        }
        x += 4 + len;
      }
      if (csize < 0 || usize < 0 || lho < 0) {
        throw corrupt("record " + name + " has negative sizes or offset");
      }
      if (records.put(name, new Record(name, method, csize, usize, lho)) != null) {
        throw corrupt("record " + name + " appears twice");
      }
      p = end;
    }
  }

  /**
   * The uncompressed bytes of a record: a zero-copy slice for stored records, an inflated copy for deflated ones.
   */
  ByteBuffer data(Record r) throws IOException {
    ByteBuffer loc = file.slice(r.localHeaderOffset, LOC_HEADER, "local header of " + r.name);
    if (loc.getInt(0) != LOC_SIG) {
      throw corrupt("record " + r.name + " has a bad local header signature at byte " + r.localHeaderOffset);
    }
    int nameLen = loc.getShort(26) & U16_MAX;
    int extraLen = loc.getShort(28) & U16_MAX;
    long start = r.localHeaderOffset + LOC_HEADER + nameLen + extraLen;
    ByteBuffer raw = file.slice(start, r.compressedSize, "data of record " + r.name);
    if (r.method == STORED) {
      if (r.compressedSize != r.size) {
        throw corrupt("stored record " + r.name + " declares " + r.size + " bytes but holds " + r.compressedSize);
      }
      return raw;
    }
    if (r.method != DEFLATED) {
      throw corrupt("record " + r.name + " uses unsupported compression method " + r.method);
    }
    if (r.size > MAX_INFLATED_BYTES) {
      // torch.save stores records uncompressed; a deflated one this big is a zip bomb, not a checkpoint
      throw corrupt("deflated record " + r.name + " declares " + r.size + " bytes, over the "
          + (MAX_INFLATED_BYTES >> 20) + " MiB allowed for compressed records");
    }
    // Memory grows with the bytes actually inflated, never with the declared size alone, so a tiny record that
    // claims 2 GiB cannot make us allocate them; inflating past the declared size is an error.
    java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream((int) Math.min(r.size, INFLATE_CHUNK));
    byte[] chunk = new byte[INFLATE_CHUNK];
    Inflater inf = new Inflater(true);
    try {
      inf.setInput(raw);
      while (!inf.finished()) {
        int k = inf.inflate(chunk);
        if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
          break;
        }
        if (sink.size() + (long) k > r.size) {
          throw corrupt("deflated record " + r.name + " inflates to more than its declared " + r.size + " bytes");
        }
        sink.write(chunk, 0, k);
      }
      if (sink.size() != r.size) {
        throw corrupt("deflated record " + r.name + " inflates to " + sink.size() + " bytes, declared " + r.size);
      }
    } catch (DataFormatException e) {
      throw corrupt("deflated record " + r.name + " is corrupt: " + e.getMessage());
    } finally {
      inf.end();
    }
    byte[] out = sink.toByteArray();
    return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
  }
}
