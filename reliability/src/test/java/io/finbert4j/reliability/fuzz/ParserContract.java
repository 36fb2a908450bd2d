package io.finbert4j.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The contract every parser of untrusted bytes must keep, checked by every fuzz target: either a valid result, or
 * one of the parser's documented exception types carrying a message — never another exception (a
 * NullPointerException, an ArrayIndexOutOfBoundsException, a NegativeArraySizeException...), an Error (an
 * OutOfMemoryError from an allocation a header talked us into: the module's tests run in a 1 GiB heap, so caps are
 * enforced) or a JVM crash. Hangs are caught by Jazzer's per-input timeout while fuzzing.
 *
 * <p>A new target (the trading module's news and price readers, for instance) is one small class: a
 * {@code @FuzzTest} method that writes the input where the parser wants it ({@link #tempFile}) and calls
 * {@link #check} with the parser's documented exception types.
 */
public final class ParserContract {
  private ParserContract() {}

  /** A parse that may throw anything; the contract decides what is allowed. */
  @FunctionalInterface
  public interface Parse {
    void run() throws Exception;
  }

  /**
   * Runs {@code parse}; passes if it returns normally or throws an instance of one of {@code documented} with a
   * non-blank message. Anything else fails the input (and becomes a Jazzer finding).
   */
  @SafeVarargs
  public static void check(String parser, Parse parse, Class<? extends Exception>... documented) {
    try {
      parse.run();
    } catch (Exception e) {
      for (Class<? extends Exception> ok : documented) {
        if (ok.isInstance(e)) {
          assertNotNull(e.getMessage(), parser + " threw " + e.getClass().getName() + " without a message");
          assertFalse(e.getMessage().isBlank(), parser + " threw " + e.getClass().getName() + " with a blank message");
          return;
        }
      }
      throw new AssertionError(parser + " threw an undocumented " + e.getClass().getName() + " (documented: "
          + Arrays.toString(Arrays.stream(documented).map(Class::getSimpleName).toArray()) + "): " + e, e);
    }
  }

  /** Writes {@code data} to a new file named {@code name} in a new temporary directory (see {@link #delete}). */
  public static Path tempFile(String name, byte[] data) {
    try {
      Path dir = Files.createTempDirectory("finbert4j-fuzz");
      return Files.write(dir.resolve(name), data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a file or directory tree made by {@link #tempFile} (or its parent directory). */
  public static void delete(Path p) {
    if (p == null || !Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fails: used where a parser returned something it should never return (e.g. a tensor bigger than its bytes). */
  public static void violated(String parser, String what) {
    fail(parser + " broke its contract: " + what);
  }
}
