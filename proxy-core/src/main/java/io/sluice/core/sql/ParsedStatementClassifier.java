package io.sluice.core.sql;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Settles, with JSqlParser, what the fast path could not: statements whose leading words it
 * does not know (or whose shape it did not expect). Anything the parser does not
 * understand, or refuses because it is busy or the text is too long, is OTHER with
 * NOT_UNDERSTOOD: the master.
 */
final class ParsedStatementClassifier {

    private final BoundedSqlParser parser;

    ParsedStatementClassifier(BoundedSqlParser parser) {
        this.parser = parser;
    }

    ClassificationBuilder classify(String sql, List<Token> tokens) {
        TokenScan scan = TokenScanner.scan(tokens);
        var parsed = parser.parse(withoutComments(sql, tokens));
        if (parsed.isEmpty()) {
            ClassificationBuilder builder = new ClassificationBuilder(StatementKind.OTHER).trait(Trait.NOT_UNDERSTOOD);
            return builder.scan(scan);
        }
        Statement statement = parsed.get();
        ClassificationBuilder builder = new ClassificationBuilder(kindOf(statement)).trait(Trait.PARSED)
                .scanDefinition(scan);
        if (builder.kind == StatementKind.DDL) {
            builder.trait(Trait.IMPLICIT_COMMIT);
        }
        if (statement instanceof Select) {
            if (scan.lockingClause) {
                builder.kind = StatementKind.LOCKING_READ;
            }
            FunctionCollector collector = new FunctionCollector();
            Set<String> parsedTables = tablesOf(statement, collector);
            builder.addTables(parsedTables);
            // The parser's visitors do not reach every expression, so it cannot prove that a
            // name is not a call; it can only show that the lexer's doubtful name is a table.
            boolean lexerDoubtsRemain = scan.unknownFunctions().stream()
                    .map(name -> name.toLowerCase(Locale.ROOT))
                    .anyMatch(name -> !parsedTables.contains(name));
            if (lexerDoubtsRemain || !collector.unknown.isEmpty()) {
                builder.trait(Trait.SIDE_EFFECT_FUNCTION);
            }
        } else if (!scan.unknownFunctions().isEmpty()) {
            builder.trait(Trait.SIDE_EFFECT_FUNCTION);
        }
        return builder;
    }

    private static StatementKind kindOf(Statement statement) {
        if (statement instanceof Select) {
            return StatementKind.READ;
        }
        if (statement instanceof Insert || statement instanceof Update || statement instanceof Delete
                || statement instanceof Upsert || statement instanceof Merge) {
            return StatementKind.WRITE;
        }
        String packageName = statement.getClass().getPackageName();
        if (packageName.endsWith(".create") || packageName.contains(".create.") || packageName.endsWith(".alter")
                || packageName.endsWith(".drop") || packageName.endsWith(".truncate") || packageName.endsWith(".grant")) {
            return StatementKind.DDL;
        }
        return StatementKind.OTHER;
    }

    private static Set<String> tablesOf(Statement statement, FunctionCollector collector) {
        try {
            return lowerCase(collector.getTables(statement));
        } catch (UnsupportedOperationException e) {
            // TablesNamesFinder refuses some constructs: then nobody vouches for anything.
            collector.unknown.add("?");
            return Set.of();
        }
    }

    private static Set<String> lowerCase(Set<String> names) {
        Set<String> out = new LinkedHashSet<>();
        for (String name : names) {
            out.add(name.replace("`", "").toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** The statement rebuilt from its tokens: comments gone, versioned-comment content kept as SQL. */
    private static String withoutComments(String sql, List<Token> tokens) {
        StringBuilder out = new StringBuilder(sql.length());
        for (Token token : tokens) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(sql, token.start(), token.end());
        }
        return out.toString();
    }

    /** Records every function-like name the parser found that is not a known harmless built-in. */
    private static final class FunctionCollector extends TablesNamesFinder {
        final Set<String> unknown = new LinkedHashSet<>();

        @Override
        public void visit(Function function) {
            check(function.getMultipartName());
            super.visit(function);
        }

        @Override
        public void visit(AnalyticExpression expression) {
            check(List.of(expression.getName()));
            super.visit(expression);
        }

        @Override
        public void visit(TableFunction tableFunction) {
            check(tableFunction.getFunction().getMultipartName());
            super.visit(tableFunction);
        }

        private void check(List<String> multipartName) {
            if (multipartName == null || multipartName.isEmpty()) {
                return;
            }
            if (multipartName.size() > 1) {
                unknown.add(String.join(".", multipartName));
                return;
            }
            String upper = multipartName.get(0).replace("`", "").toUpperCase(Locale.ROOT);
            if (KnownFunctions.SIDE_EFFECTS.containsKey(upper)) {
                unknown.add(upper);
            } else if (!KnownFunctions.PURE.contains(upper) && !KnownFunctions.NOT_CALLS.contains(upper)
                    && !KnownFunctions.isSpatial(upper)) {
                unknown.add(upper);
            }
        }
    }
}
