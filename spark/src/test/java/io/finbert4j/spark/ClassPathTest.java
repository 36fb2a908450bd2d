package io.finbert4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.scala.DefaultScalaModule$;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real test class path (ours + Spark's, as Maven resolves it) holds one copy of each shared library and versions
 * that work together: Jackson (Spark's jackson-module-scala refuses a databind of another minor line), slf4j, and the
 * protobuf / guava / flatbuffers that Spark and ND4J both use (ND4J's are relocated under org.nd4j.shade).
 */
class ClassPathTest {

  @Test
  void jacksonOfSparkAndOursAgree() {
    com.fasterxml.jackson.core.Version databind = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION;
    com.fasterxml.jackson.core.Version core = com.fasterxml.jackson.core.json.PackageVersion.VERSION;
    com.fasterxml.jackson.core.Version scala = com.fasterxml.jackson.module.scala.JacksonModule$.MODULE$.version();
    assertEquals(2, databind.getMajorVersion());
    assertEquals(18, databind.getMinorVersion(), "our pin is the 2.18 line: " + databind);
    assertEquals(databind.getMinorVersion(), core.getMinorVersion(), "jackson-core " + core + " vs databind " + databind);
    assertEquals(databind.getMinorVersion(), scala.getMinorVersion(), "module-scala " + scala + " vs databind " + databind);
    // what Spark does on every RDD operation (RDDOperationScope's JSON): throws on a mismatched databind
    new ObjectMapper().registerModule(DefaultScalaModule$.MODULE$);
  }

  @Test
  void oneCopyOfEachSharedLibrary() throws Exception {
    for (String cls : List.of(
        "com/fasterxml/jackson/databind/ObjectMapper.class",
        "com/fasterxml/jackson/core/JsonFactory.class",
        "org/slf4j/Logger.class",
        "com/google/protobuf/Message.class",
        "com/google/common/collect/ImmutableList.class",
        "com/google/flatbuffers/FlatBufferBuilder.class",
        "org/apache/commons/lang3/StringUtils.class",
        "io/netty/buffer/ByteBuf.class",
        "org/nd4j/linalg/factory/Nd4j.class",
        "org/bytedeco/javacpp/Pointer.class")) {
      List<URL> found = Collections.list(getClass().getClassLoader().getResources(cls));
      assertEquals(1, found.size(), cls + " comes from " + found);
    }
  }

  @Test
  void oneSlf4jProvider() throws Exception {
    List<URL> providers = Collections.list(getClass().getClassLoader()
        .getResources("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"));
    List<String> jars = new ArrayList<>();
    providers.forEach(u -> jars.add(u.toString()));
    assertEquals(1, providers.size(), "slf4j providers: " + jars);
    assertTrue(jars.get(0).contains("log4j-slf4j2-impl"), "Spark's log4j 2 binding: " + jars);
  }
}
