package io.sluice.benchmarks.jmh;

import io.sluice.core.sql.Classification;
import io.sluice.core.sql.StatementClassifier;
import io.sluice.core.sql.Trait;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * StatementClassifier.classify on the statements sysbench sends (with literals, as with
 * --db-ps-mode=disable), which the token fast path settles, and on statements only JSqlParser
 * understands. The setup checks which path each statement really takes (Trait.PARSED), so a
 * change in the fast path cannot silently move a case to the other side.
 *
 * <p>The parser runs on BoundedSqlParser's own threads; -prof gc counts allocation in all
 * threads, so its allocation shows up here too.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StatementClassifierBenchmark {

  private static final Map<String, String> FAST_PATH = Map.of(
      "point_select", "SELECT c FROM sbtest1 WHERE id=5018",
      "simple_range", "SELECT c FROM sbtest3 WHERE id BETWEEN 4941 AND 5040",
      "sum_range", "SELECT SUM(k) FROM sbtest2 WHERE id BETWEEN 4941 AND 5040",
      "order_range", "SELECT c FROM sbtest4 WHERE id BETWEEN 4941 AND 5040 ORDER BY c",
      "distinct_range", "SELECT DISTINCT c FROM sbtest1 WHERE id BETWEEN 4941 AND 5040 ORDER BY c",
      "index_update", "UPDATE sbtest2 SET k=k+1 WHERE id=5018",
      "non_index_update", "UPDATE sbtest3 SET c='83868641912-28773972837-60736120486-75162659906-27563526494"
          + "-20381887404-41576422241-93426793964-56405065102-33518432330' WHERE id=5018",
      "insert", "INSERT INTO sbtest4 (id, k, c, pad) VALUES (5018, 4993, '83868641912-28773972837-60736120486"
          + "-75162659906-27563526494-20381887404-41576422241-93426793964-56405065102-33518432330', "
          + "'67847967377-48000963322-62604785301-91415491898-96926520291')",
      "begin", "BEGIN");

  private static final Map<String, String> PARSER_PATH = Map.of(
      "upsert", "UPSERT INTO sbtest1 (id, k) VALUES (5018, 4993)",
      "merge", "MERGE INTO sbtest1 t USING sbtest2 s ON (t.id = s.id) WHEN MATCHED THEN UPDATE SET t.k = s.k");

  @State(Scope.Benchmark)
  public static class Classifier {
    final StatementClassifier classifier = new StatementClassifier();
  }

  @State(Scope.Thread)
  public static class FastPathStatement {
    @Param({"point_select", "simple_range", "sum_range", "order_range", "distinct_range", "index_update",
        "non_index_update", "insert", "begin"})
    public String statement;
    String sql;

    @Setup
    public void setUp(Classifier c) {
      sql = FAST_PATH.get(statement);
      if (c.classifier.classify(sql).has(Trait.PARSED)) {
        throw new IllegalStateException("expected the fast path to settle: " + sql);
      }
    }
  }

  @State(Scope.Thread)
  public static class ParserPathStatement {
    @Param({"upsert", "merge"})
    public String statement;
    String sql;

    @Setup
    public void setUp(Classifier c) {
      sql = PARSER_PATH.get(statement);
      if (!c.classifier.classify(sql).has(Trait.PARSED)) {
        throw new IllegalStateException("expected JSqlParser to be needed: " + sql);
      }
    }
  }

  @Benchmark
  public Classification fastPath(Classifier c, FastPathStatement s) {
    return c.classifier.classify(s.sql);
  }

  @Benchmark
  public Classification parserPath(Classifier c, ParserPathStatement s) {
    return c.classifier.classify(s.sql);
  }
}
