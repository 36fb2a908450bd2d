import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Draws throughput (sequences/s) against batch×tokens from a JMH JSON result file ({@code -rf json}) as a grouped
 * bar chart PNG, one bar colour per series (ours vs ONNX Runtime, precisions ...). JDK only (java.awt + ImageIO):
 *
 * <pre>java scripts/PlotThroughput.java results.json docs/throughput.png ["title"] [--only model=minilm]</pre>
 *
 * <p>Each JMH result becomes one bar: x = its {@code shape} param ("BxT", e.g. "32x48") or its {@code batch} and
 * {@code tokens}/{@code seqLen} params; series = the benchmark method plus every other param; y = sequences/s =
 * calls/s × B (Throughput mode) or B / time per call (AverageTime / SampleTime). Results without a shape are skipped.
 */
public final class PlotThroughput {
  private static final int WIDTH = 1100;
  private static final int HEIGHT = 620;
  private static final int LEFT = 90;
  private static final int RIGHT = 330;
  private static final int TOP = 60;
  private static final int BOTTOM = 70;
  private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

  record Point(String series, String shape, int batch, int tokens, double seqPerSec) {}

  /** Set by a trailing {@code --ops-are-sequences}: JMH scores already count sequences, not calls. */
  static boolean opsAreSequences;

  /** Set by {@code --only KEY=VALUE}: keep only results whose param KEY equals VALUE (e.g. model=minilm). */
  static String onlyKey;
  static String onlyValue;

  public static void main(String[] args) throws IOException {
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--ops-are-sequences")) {
        opsAreSequences = true;
      } else if (args[i].equals("--only") && i + 1 < args.length && args[i + 1].contains("=")) {
        onlyKey = args[i + 1].substring(0, args[i + 1].indexOf('='));
        onlyValue = args[++i].substring(onlyKey.length() + 1);
      } else {
        rest.add(args[i]);
      }
    }
    args = rest.toArray(new String[0]);
    if (args.length < 2) {
      throw new IllegalArgumentException(
          "usage: java scripts/PlotThroughput.java results.json out.png [title] [--ops-are-sequences] [--only KEY=VALUE]");
    }
    System.setProperty("java.awt.headless", "true");
    Object json = new Json(Files.readString(Path.of(args[0]))).value();
    if (!(json instanceof List<?> results)) {
      throw new IllegalArgumentException(args[0] + ": expected a JMH JSON array (run JMH with -rf json)");
    }
    List<Point> points = new ArrayList<>();
    for (Object o : results) {
      Point p = toPoint((Map<?, ?>) o);
      if (p != null) {
        points.add(p);
      }
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException(args[0] + ": no result has a shape param (\"BxT\") or batch/tokens params");
    }
    String title = args.length > 2 ? args[2] : "Throughput (sequences/s) vs batch × tokens";
    Path out = Path.of(args[1]);
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    ImageIO.write(draw(points, title), "png", out.toFile());
    System.out.println("wrote " + out + " (" + points.size() + " bars)");
  }

  static Point toPoint(Map<?, ?> r) {
    String bench = (String) r.get("benchmark");
    String method = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
    Map<?, ?> params = r.get("params") instanceof Map<?, ?> m ? m : Map.of();
    if (onlyKey != null && !onlyValue.equals(params.get(onlyKey))) {
      return null;
    }
    int batch;
    int tokens;
    String shape;
    Map<String, String> rest = new LinkedHashMap<>();
    if (params.get("shape") instanceof String s && s.matches("\\d+x\\d+")) {
      shape = s;
      batch = Integer.parseInt(s.substring(0, s.indexOf('x')));
      tokens = Integer.parseInt(s.substring(s.indexOf('x') + 1));
    } else if (params.get("batch") != null && (params.get("tokens") != null || params.get("seqLen") != null)) {
      batch = Integer.parseInt((String) params.get("batch"));
      tokens = Integer.parseInt((String) (params.get("tokens") != null ? params.get("tokens") : params.get("seqLen")));
      shape = batch + "x" + tokens;
    } else if (method.matches(".*_b\\d+_t\\d+")) { // shape in the method name, e.g. finbert4j_b32_t48
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.*)_b(\\d+)_t(\\d+)").matcher(method);
      m.matches();
      batch = Integer.parseInt(m.group(2));
      tokens = Integer.parseInt(m.group(3));
      shape = batch + "x" + tokens;
      method = m.group(1);
    } else {
      return null;
    }
    for (Map.Entry<?, ?> e : params.entrySet()) {
      String k = (String) e.getKey();
      if (!k.equals("shape") && !k.equals("batch") && !k.equals("tokens") && !k.equals("seqLen") && !k.equals(onlyKey)) {
        String v = (String) e.getValue();
        if (v.contains("/")) { // a model path: its directory names the model (e.g. .../bert-base/model.onnx)
          Path path = Path.of(v);
          v = path.getParent() != null ? path.getParent().getFileName().toString() : path.getFileName().toString();
        }
        rest.put(k, v);
      }
    }
    Map<?, ?> pm = (Map<?, ?>) r.get("primaryMetric");
    double score = ((Number) pm.get("score")).doubleValue();
    String unit = (String) pm.get("scoreUnit");
    String mode = (String) r.get("mode");
    // Throughput units are "ops/<t>", time units "<t>/op"
    String timeUnit = mode.equals("thrpt") ? unit.substring(unit.indexOf('/') + 1) : unit.substring(0, unit.indexOf('/'));
    double perSecond = switch (timeUnit) {
      case "s" -> 1;
      case "ms" -> 1e3;
      case "us" -> 1e6;
      case "ns" -> 1e9;
      case "min" -> 1.0 / 60;
      default -> throw new IllegalArgumentException("unknown JMH unit " + unit);
    };
    // Benchmarks that declare @OperationsPerInvocation(batch) (InferenceBenchmark) already count sequences.
    int perCall = opsAreSequences ? 1 : batch;
    double seqPerSec;
    if (mode.equals("thrpt")) {
      seqPerSec = score * perSecond * perCall; // unit ops/<t>
    } else {
      double secondsPerCall = score / perSecond; // unit <t>/op
      seqPerSec = perCall / secondsPerCall;
    }
    String series = method + (rest.isEmpty() ? "" : " " + rest.values());
    return new Point(series, shape, batch, tokens, seqPerSec);
  }

  static BufferedImage draw(List<Point> points, String title) {
    TreeSet<String> shapes = new TreeSet<>((a, b) -> {
      String[] x = a.split("x");
      String[] y = b.split("x");
      int c = Integer.compare(Integer.parseInt(x[0]) * Integer.parseInt(x[1]),
          Integer.parseInt(y[0]) * Integer.parseInt(y[1]));
      return c != 0 ? c : a.compareTo(b);
    });
    List<String> series = new ArrayList<>();
    double max = 0;
    for (Point p : points) {
      shapes.add(p.shape());
      if (!series.contains(p.series())) {
        series.add(p.series());
      }
      max = Math.max(max, p.seqPerSec());
    }
    double yMax = niceCeil(max);
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, LEFT, TOP - 25);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int ticks = 5;
    for (int i = 0; i <= ticks; i++) {
      double v = yMax * i / ticks;
      int y = TOP + plotH - (int) Math.round(plotH * v / yMax);
      g.setColor(new Color(0xdddddd));
      g.drawLine(LEFT, y, LEFT + plotW, y);
      g.setColor(Color.BLACK);
      String label = String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
      g.drawString(label, LEFT - 10 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    g.setStroke(new BasicStroke(1.5f));
    g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
    g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
    g.rotate(-Math.PI / 2);
    g.drawString("sequences / s", -(TOP + plotH / 2 + 40), 25);
    g.rotate(Math.PI / 2);
    List<String> shapeList = new ArrayList<>(shapes);
    double groupW = (double) plotW / shapeList.size();
    double barW = groupW * 0.8 / series.size();
    for (Point p : points) {
      int gi = shapeList.indexOf(p.shape());
      int si = series.indexOf(p.series());
      int x = (int) Math.round(LEFT + gi * groupW + groupW * 0.1 + si * barW);
      int h = (int) Math.round(plotH * p.seqPerSec() / yMax);
      g.setColor(PALETTE[si % PALETTE.length]);
      g.fillRect(x, TOP + plotH - h, Math.max(1, (int) Math.floor(barW) - 1), h);
    }
    g.setColor(Color.BLACK);
    for (int gi = 0; gi < shapeList.size(); gi++) {
      String s = shapeList.get(gi);
      int cx = (int) Math.round(LEFT + gi * groupW + groupW / 2);
      g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, TOP + plotH + 20);
    }
    g.drawString("batch × tokens", LEFT + plotW / 2 - 40, TOP + plotH + 45);
    for (int si = 0; si < series.size(); si++) {
      int y = TOP + 10 + si * 22;
      g.setColor(PALETTE[si % PALETTE.length]);
      g.fillRect(LEFT + plotW + 15, y - 10, 14, 14);
      g.setColor(Color.BLACK);
      g.drawString(series.get(si), LEFT + plotW + 35, y + 2);
    }
    g.dispose();
    return img;
  }

  static double niceCeil(double v) {
    if (v <= 0) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /** Minimal JSON reader (objects → LinkedHashMap, arrays → List, numbers → Double, NaN tolerated as JMH writes it). */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      ws();
      char c = s.charAt(i);
      switch (c) {
        case '{': {
          Map<String, Object> m = new LinkedHashMap<>();
          i++;
          ws();
          if (s.charAt(i) == '}') {
            i++;
            return m;
          }
          while (true) {
            ws();
            String k = string();
            ws();
            expect(':');
            m.put(k, value());
            ws();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect('}');
              return m;
            }
          }
        }
        case '[': {
          List<Object> l = new ArrayList<>();
          i++;
          ws();
          if (s.charAt(i) == ']') {
            i++;
            return l;
          }
          while (true) {
            l.add(value());
            ws();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect(']');
              return l;
            }
          }
        }
        case '"':
          return string();
        default:
          int start = i;
          while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0) {
            i++;
          }
          String tok = s.substring(start, i);
          return switch (tok) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            case "null" -> null;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(tok);
          };
      }
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (s.charAt(i) != '"') {
        char c = s.charAt(i++);
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n' -> b.append('\n');
            case 't' -> b.append('\t');
            case 'u' -> {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
            }
            default -> b.append(e);
          }
        } else {
          b.append(c);
        }
      }
      i++;
      return b.toString();
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private void expect(char c) {
      if (s.charAt(i) != c) {
        throw new IllegalArgumentException("JSON: expected '" + c + "' at offset " + i);
      }
      i++;
    }
  }
}
