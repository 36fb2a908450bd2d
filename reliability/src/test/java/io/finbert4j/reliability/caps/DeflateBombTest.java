package io.finbert4j.reliability.caps;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.weights.PyTorchCheckpoint;
import io.finbert4j.weights.TensorFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code pytorch_model.bin} whose pickle record is a deflate bomb: 1.5 GiB of zeros compressed to 1.5 MB, with
 * honest sizes in the zip headers. Before the cap the reader inflated it into the heap (an OutOfMemoryError in this
 * module's 1 GiB heap); now a deflated record over {@code ZipIndex.MAX_INFLATED_BYTES} (256 MiB) is refused from
 * its declared size, before anything is inflated. Built in memory rather than kept as a 1.5 MB seed file.
 */
class DeflateBombTest {
  private static final long BOMB = 1536L << 20;

  @TempDir Path tmp;

  @Test
  void deflateBombIsRefusedFromItsDeclaredSize() throws IOException {
    Path f = Files.write(tmp.resolve("pytorch_model.bin"), zipWithOneDeflatedRecord("archive/data.pkl", BOMB));
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> PyTorchCheckpoint.read(f).close());
    assertTrue(e.getMessage().contains("archive/data.pkl") && e.getMessage().contains("MiB allowed"), e.getMessage());
  }

  /**
   * A zip of one deflated record of {@code size} zero bytes (local header, data, central directory, end record). The
   * deflate stream is one fully flushed block holding 1 MiB of zeros, repeated (a full flush makes each copy
   * independent of the ones before), then an empty final block: fast to build, valid to any inflater.
   */
  static byte[] zipWithOneDeflatedRecord(String name, long size) {
    byte[] zeros = new byte[1 << 20];
    byte[] block = deflate(zeros, Deflater.FULL_FLUSH);
    byte[] last = deflate(new byte[0], -1);
    long copies = size / zeros.length;
    CRC32 crc = new CRC32();
    for (long i = 0; i < copies; i++) {
      crc.update(zeros);
    }
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    for (long i = 0; i < copies; i++) {
      raw.write(block, 0, block.length);
    }
    raw.write(last, 0, last.length);
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    int data = raw.size();
    ByteBuffer b = ByteBuffer.allocate(30 + n.length + data + 46 + n.length + 22).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8).putInt(0)
        .putInt((int) crc.getValue()).putInt(data).putInt((int) size).putShort((short) n.length).putShort((short) 0)
        .put(n).put(raw.toByteArray());
    int cen = b.position();
    b.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 8).putInt(0)
        .putInt((int) crc.getValue()).putInt(data).putInt((int) size).putShort((short) n.length).putShort((short) 0)
        .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(n);
    int cenSize = b.position() - cen;
    b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
        .putInt(cenSize).putInt(cen).putShort((short) 0);
    return b.array();
  }

  /** Raw deflate of {@code in}: with {@code flush} a non-final flushed block, with -1 a finished (final) stream. */
  private static byte[] deflate(byte[] in, int flush) {
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    d.setInput(in);
    if (flush < 0) {
      d.finish();
      while (!d.finished()) {
        out.write(buf, 0, d.deflate(buf));
      }
    } else {
      int k;
      do {
        k = d.deflate(buf, 0, buf.length, flush);
        out.write(buf, 0, k);
      } while (k == buf.length || !d.needsInput());
    }
    d.end();
    return out.toByteArray();
  }

  /** The bomb really is one: java.util.zip inflates it to the declared size (so the refusal above is meaningful). */
  @Test
  void theBombIsAValidDeflateStream() throws Exception {
    byte[] zip = zipWithOneDeflatedRecord("x", 8L << 20);
    Path f = Files.write(tmp.resolve("small.zip"), zip);
    try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(f.toFile());
        java.io.InputStream in = z.getInputStream(z.getEntry("x"))) {
      assertTrue(in.readAllBytes().length == 8 << 20);
    }
  }
}
