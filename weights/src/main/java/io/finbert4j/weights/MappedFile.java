package io.finbert4j.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory mapping of a whole file that hands out little-endian slices by long offset. Files up to 2 GiB
 * are mapped once; larger files get one mapping per requested region, so a region that straddles a 2 GiB boundary is
 * still one buffer (a single region must stay under 2 GiB).
 */
final class MappedFile implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final long size;
  /** The whole file when it fits one mapping, else null. */
  private final ByteBuffer whole;

  MappedFile(Path path) throws IOException {
    this.path = path;
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      this.size = ch.size();
      if (size <= Safetensors.MAX_MAP_BYTES) {
        this.whole = size == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        ch.close();
        this.channel = null;
      } else {
        this.whole = null;
        this.channel = ch;
      }
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  Path path() {
    return path;
  }

  long size() {
    return size;
  }

  /**
   * Bytes {@code [offset, offset + length)} of the file as a little-endian buffer (zero-copy).
   *
   * @throws TensorFormatException if the region is outside the file or over 2 GiB; {@code what} names it
   */
  ByteBuffer slice(long offset, long length, String what) throws IOException {
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new TensorFormatException(
          path + ": " + what + " at bytes [" + offset + ", " + (offset + length) + ") lies outside the file ("
              + size + " bytes; truncated?)");
    }
    if (length > Safetensors.MAX_MAP_BYTES) {
      throw new TensorFormatException(path + ": " + what + " is " + length + " bytes; regions over 2 GiB are not supported");
    }
    ByteBuffer b;
    if (whole != null) {
      b = whole.slice((int) offset, (int) length);
    } else if (length == 0) {
      b = ByteBuffer.allocate(0);
    } else {
      b = channel.map(FileChannel.MapMode.READ_ONLY, offset, length);
    }
    return b.order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // read-only: nothing to lose
      }
    }
  }
}
