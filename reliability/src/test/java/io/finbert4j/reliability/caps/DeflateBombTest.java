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

  /** A zip of one deflated record of {@code size} zero bytes (local header, data, central directory, end record). */
  static byte[] zipWithOneDeflatedRecord(String name, long size) {
    byte[] zeros = new byte[1 << 20];
    CRC32 crc = new CRC32();
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    byte[] out = new byte[1 << 16];
    for (long done = 0; done < size; done += zeros.length) {
      crc.update(zeros);
      d.setInput(zeros);
      while (!d.needsInput()) {
        raw.write(out, 0, d.deflate(out));
      }
    }
    d.finish();
    while (!d.finished()) {
      raw.write(out, 0, d.deflate(out));
    }
    d.end();
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
}
