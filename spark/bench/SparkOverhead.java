// Spark's own cost per row, in one JVM on local[1]: the same texts through FinBert.analyze directly (windows of
// 1024, as the Transformer uses) and through FinBertClassifier.transform + a Parquet write, alternating, REPS times;
// wall and process CPU time of each. Run with the spark module's class path and Spark's Java 17 options (README "Spark"):
//   java $opts -cp "spark/target/finbert4j-spark-0.1.0-SNAPSHOT.jar:$(cat spark/target/classpath-spark.txt)" \
//     spark/bench/SparkOverhead.java MODEL_DIR INPUT.jsonl REPS
import io.finbert4j.core.FinBert;
import io.finbert4j.spark.*;
import java.lang.management.*;
import java.util.*;
import org.apache.spark.sql.*;

public class SparkOverhead {
  public static void main(String[] a) throws Exception {
    String model = a[0]; String input = a[1]; int reps = Integer.parseInt(a[2]);
    SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    Dataset<Row> df = spark.read().json(input).cache();
    long n = df.count();
    List<String> texts = new ArrayList<>();
    for (Row r : df.select("text").collectAsList()) texts.add(r.getString(0));
    FinBertClassifier c = new FinBertClassifier().setModel(model).setNumThreads(1);
    c.transform(df).write().mode("overwrite").parquet(System.getProperty("java.io.tmpdir") + "/finbert-spark-overhead"); // loads the model
    FinBert fb = ExecutorModels.get(c.spec());
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int r = 0; r < reps; r++) {
      long w0 = System.nanoTime(), c0 = cpu();
      for (int i = 0; i < texts.size(); i += 1024) fb.analyze(texts.subList(i, Math.min(texts.size(), i + 1024)));
      long w1 = System.nanoTime(), c1 = cpu();
      c.transform(df).write().mode("overwrite").parquet(System.getProperty("java.io.tmpdir") + "/finbert-spark-overhead");
      long w2 = System.nanoTime(), c2 = cpu();
      System.out.printf("n=%d direct wall %.2f s cpu %.2f s | spark wall %.2f s cpu %.2f s%n", n,
          (w1 - w0) / 1e9, (c1 - c0) / 1e9, (w2 - w1) / 1e9, (c2 - c1) / 1e9);
    }
    spark.stop();
  }
  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
