package io.finbert4j.cli;

import io.finbert4j.core.Backend;
import io.finbert4j.core.BackendInfo;
import io.finbert4j.core.BlasKernel;
import io.finbert4j.core.nn.BertSelfAttention;
import io.finbert4j.core.nn.VectorSupport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code finbert info}: what ND4J runs on. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = {
      "Show the ND4J backend finbert4j runs on: backend, BLAS vendor, the OpenBLAS kernel (core) chosen for this",
      "CPU (with a warning when it is a slow fallback), threads, data type, ND4J version, CPU features and Java version."
    },
    footer = {
      "",
      "Examples:",
      "  finbert info",
      "  finbert info --backend cuda     (fails with a clear message unless built with -Pcuda on a GPU host)"
    })
public final class InfoCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @Option(
      names = "--backend",
      paramLabel = "cpu|cuda|auto",
      description = "ND4J backend to select (default: -Dfinbert.backend, else $FINBERT_BACKEND, else auto).")
  String backend;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PredictCommand.selectBackend(backend);
    BackendInfo info = Backend.describe();
    PrintWriter out = spec.commandLine().getOut();
    out.print(info);
    out.printf("%-21s %s%n", "backends on classpath:",
        (Backend.CPU.onClasspath() ? "cpu " : "") + (Backend.CUDA.onClasspath() ? "cuda" : ""));
    out.printf("%-21s %s%n", "attention kernels:", BertSelfAttention.FUSED ? "fused (Vector API)"
        : VectorSupport.AVAILABLE ? "unfused (-Dfinbert.attention.fused=false)"
        : "unfused (start the JVM with --add-modules jdk.incubator.vector for the fused kernels)");
    String timeout = System.getenv("OPENBLAS_THREAD_TIMEOUT");
    out.printf("%-21s %s%n", "OpenBLAS thread spin:", timeout != null ? "OPENBLAS_THREAD_TIMEOUT=" + timeout
        : "default, ~0.1 s after each product (export OPENBLAS_THREAD_TIMEOUT=4 to free the cores sooner)");
    String mmap = System.getenv("MALLOC_MMAP_THRESHOLD_");
    out.printf("%-21s %s%n", "malloc mmap threshold:", mmap != null ? "MALLOC_MMAP_THRESHOLD_=" + mmap
        : "glibc's sliding default (export MALLOC_MMAP_THRESHOLD_=131072 so that long runs on many threads keep "
            + "their RSS)");
    String blasWarning = BlasKernel.detect().warning();
    if (blasWarning != null) {
      out.println();
      out.println("WARNING: " + blasWarning);
    }
    out.flush();
    return 0;
  }
}
