package io.finbert4j.reliability.crash;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the {@code finbert} CLI ({@code io.finbert4j.cli.Main}) as a child JVM with this test's class path. */
final class ChildCli {
  private ChildCli() {}

  static Process start(Path workDir, Path log, String... args) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--add-modules",
        "jdk.incubator.vector", "-cp", cp, "io.finbert4j.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  /** The class path separator, for messages. */
  static String separator() {
    return File.pathSeparator;
  }
}
