package io.sluice.core.sql;

import java.util.Map;
import java.util.Set;

/**
 * Which names followed by '(' are harmless built-ins, which ones have side effects or
 * session meaning, and which are keywords or type names rather than calls.
 *
 * <p>A name in none of these sets may be a loadable function (UDF) or a stored function,
 * either of which can write: the statement goes to the master.
 */
final class KnownFunctions {

    private KnownFunctions() {
    }

    /** Functions whose result depends on the session's connection or that change something. */
    static final Map<String, Trait> SIDE_EFFECTS = Map.ofEntries(
            Map.entry("LAST_INSERT_ID", Trait.LAST_INSERT_ID),
            Map.entry("GET_LOCK", Trait.GET_LOCK),
            Map.entry("RELEASE_LOCK", Trait.RELEASE_LOCK),
            Map.entry("RELEASE_ALL_LOCKS", Trait.RELEASE_ALL_LOCKS),
            Map.entry("IS_USED_LOCK", Trait.USER_LOCK_QUERY),
            Map.entry("IS_FREE_LOCK", Trait.USER_LOCK_QUERY),
            Map.entry("FOUND_ROWS", Trait.FOUND_ROWS),
            Map.entry("ROW_COUNT", Trait.ROW_COUNT),
            Map.entry("SLEEP", Trait.SIDE_EFFECT_FUNCTION),
            Map.entry("BENCHMARK", Trait.SIDE_EFFECT_FUNCTION),
            Map.entry("NEXTVAL", Trait.SEQUENCE),
            Map.entry("LASTVAL", Trait.SEQUENCE),
            Map.entry("SETVAL", Trait.SEQUENCE),
            Map.entry("CONNECTION_ID", Trait.SIDE_EFFECT_FUNCTION),
            Map.entry("LOAD_FILE", Trait.SIDE_EFFECT_FUNCTION),
            Map.entry("MASTER_POS_WAIT", Trait.SERVER_SPECIFIC),
            Map.entry("SOURCE_POS_WAIT", Trait.SERVER_SPECIFIC),
            Map.entry("MASTER_GTID_WAIT", Trait.SERVER_SPECIFIC),
            Map.entry("WAIT_FOR_EXECUTED_GTID_SET", Trait.SERVER_SPECIFIC),
            Map.entry("WAIT_UNTIL_SQL_THREAD_AFTER_GTIDS", Trait.SERVER_SPECIFIC),
            Map.entry("PS_CURRENT_THREAD_ID", Trait.SIDE_EFFECT_FUNCTION),
            Map.entry("PS_THREAD_ID", Trait.SIDE_EFFECT_FUNCTION),
            Map.entry("GROUP_REPLICATION_SET_AS_PRIMARY", Trait.SIDE_EFFECT_FUNCTION),
            Map.entry("ASYNCHRONOUS_CONNECTION_FAILOVER_ADD_SOURCE", Trait.SIDE_EFFECT_FUNCTION));

    /**
     * Built-in functions with no side effects whose result does not depend on which backend
     * connection runs them (NOW(), RAND() and UUID() differ per call anyway). Session
     * functions such as DATABASE() or CURRENT_USER() qualify because the session's schema
     * and user are replayed on every backend connection.
     */
    static final Set<String> PURE = Set.of(
            // aggregate and window
            "AVG", "BIT_AND", "BIT_OR", "BIT_XOR", "COUNT", "GROUP_CONCAT", "JSON_ARRAYAGG",
            "JSON_OBJECTAGG", "MAX", "MIN", "STD", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "SUM",
            "VAR_POP", "VAR_SAMP", "VARIANCE", "CUME_DIST", "DENSE_RANK", "FIRST_VALUE", "LAG",
            "LAST_VALUE", "LEAD", "NTH_VALUE", "NTILE", "PERCENT_RANK", "RANK", "ROW_NUMBER", "GROUPING",
            "ANY_VALUE",
            // control flow and comparison
            "IF", "IFNULL", "NULLIF", "COALESCE", "GREATEST", "LEAST", "ISNULL", "INTERVAL", "STRCMP",
            // string
            "ASCII", "BIN", "BIT_LENGTH", "CHAR", "CHAR_LENGTH", "CHARACTER_LENGTH", "CONCAT", "CONCAT_WS",
            "ELT", "EXPORT_SET", "FIELD", "FIND_IN_SET", "FORMAT", "FROM_BASE64", "HEX", "INSERT", "INSTR",
            "LCASE", "LEFT", "LENGTH", "LOCATE", "LOWER", "LPAD", "LTRIM", "MAKE_SET", "MID", "OCT",
            "OCTET_LENGTH", "ORD", "POSITION", "QUOTE", "REPEAT", "REPLACE", "REVERSE", "RIGHT", "RPAD",
            "RTRIM", "SOUNDEX", "SPACE", "SUBSTR", "SUBSTRING", "SUBSTRING_INDEX", "TO_BASE64", "TRIM",
            "UCASE", "UNHEX", "UPPER", "WEIGHT_STRING", "REGEXP_INSTR", "REGEXP_LIKE", "REGEXP_REPLACE",
            "REGEXP_SUBSTR", "CHARSET", "COLLATION", "COERCIBILITY", "CONVERT", "CAST", "BINARY",
            "MATCH", "AGAINST", "SOUNDS",
            // numeric
            "ABS", "ACOS", "ASIN", "ATAN", "ATAN2", "CEIL", "CEILING", "CONV", "COS", "COT", "CRC32",
            "DEGREES", "EXP", "FLOOR", "LN", "LOG", "LOG10", "LOG2", "MOD", "PI", "POW", "POWER",
            "RADIANS", "RAND", "ROUND", "SIGN", "SIN", "SQRT", "TAN", "TRUNCATE", "DIV",
            // date and time
            "ADDDATE", "ADDTIME", "CONVERT_TZ", "CURDATE", "CURRENT_DATE", "CURRENT_TIME",
            "CURRENT_TIMESTAMP", "CURTIME", "DATE", "DATE_ADD", "DATE_FORMAT", "DATE_SUB", "DATEDIFF",
            "DAY", "DAYNAME", "DAYOFMONTH", "DAYOFWEEK", "DAYOFYEAR", "EXTRACT", "FROM_DAYS",
            "FROM_UNIXTIME", "GET_FORMAT", "HOUR", "LAST_DAY", "LOCALTIME", "LOCALTIMESTAMP", "MAKEDATE",
            "MAKETIME", "MICROSECOND", "MINUTE", "MONTH", "MONTHNAME", "NOW", "PERIOD_ADD", "PERIOD_DIFF",
            "QUARTER", "SEC_TO_TIME", "SECOND", "STR_TO_DATE", "SUBDATE", "SUBTIME", "SYSDATE", "TIME",
            "TIME_FORMAT", "TIME_TO_SEC", "TIMEDIFF", "TIMESTAMP", "TIMESTAMPADD", "TIMESTAMPDIFF",
            "TO_DAYS", "TO_SECONDS", "UNIX_TIMESTAMP", "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "WEEK",
            "WEEKDAY", "WEEKOFYEAR", "YEAR", "YEARWEEK",
            // JSON
            "JSON_ARRAY", "JSON_ARRAY_APPEND", "JSON_ARRAY_INSERT", "JSON_CONTAINS", "JSON_CONTAINS_PATH",
            "JSON_DEPTH", "JSON_EXTRACT", "JSON_INSERT", "JSON_KEYS", "JSON_LENGTH", "JSON_MERGE",
            "JSON_MERGE_PATCH", "JSON_MERGE_PRESERVE", "JSON_OBJECT", "JSON_OVERLAPS", "JSON_PRETTY",
            "JSON_QUOTE", "JSON_REMOVE", "JSON_REPLACE", "JSON_SCHEMA_VALID",
            "JSON_SCHEMA_VALIDATION_REPORT", "JSON_SEARCH", "JSON_SET", "JSON_STORAGE_FREE",
            "JSON_STORAGE_SIZE", "JSON_TABLE", "JSON_TYPE", "JSON_UNQUOTE", "JSON_VALID", "JSON_VALUE",
            "MEMBER",
            // encryption and hashing (pure functions of their arguments)
            "AES_DECRYPT", "AES_ENCRYPT", "COMPRESS", "MD5", "SHA", "SHA1", "SHA2", "STATEMENT_DIGEST",
            "STATEMENT_DIGEST_TEXT", "UNCOMPRESS", "UNCOMPRESSED_LENGTH", "RANDOM_BYTES",
            // information about the session that the proxy replays everywhere
            "DATABASE", "SCHEMA", "USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER", "CURRENT_ROLE",
            "VERSION", "ICU_VERSION", "ROLES_GRAPHML",
            // miscellaneous
            "BIT_COUNT", "DEFAULT", "VALUES", "INET_ATON", "INET_NTOA", "INET6_ATON", "INET6_NTOA",
            "IS_IPV4", "IS_IPV4_COMPAT", "IS_IPV4_MAPPED", "IS_IPV6", "IS_UUID", "UUID", "UUID_SHORT",
            "UUID_TO_BIN", "BIN_TO_UUID", "NAME_CONST", "GTID_SUBSET", "GTID_SUBTRACT", "FORMAT_BYTES",
            "FORMAT_PICO_TIME", "ROW", "EXISTS", "NOT",
            // spatial
            "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
            "GEOMETRYCOLLECTION", "MBRCONTAINS", "MBRCOVEREDBY", "MBRCOVERS", "MBRDISJOINT", "MBREQUALS",
            "MBRINTERSECTS", "MBROVERLAPS", "MBRTOUCHES", "MBRWITHIN");

    /** MySQL's spatial functions all start with ST_; a stored function by that name would be perverse. */
    static boolean isSpatial(String upperName) {
        return upperName.startsWith("ST_");
    }

    /**
     * Words that may be followed by '(' without being a function call: keywords that
     * introduce subqueries or lists, and data types inside CAST/CONVERT/JSON_TABLE.
     */
    static final Set<String> NOT_CALLS = Set.of(
            "SELECT", "FROM", "WHERE", "AND", "OR", "XOR", "IN", "ANY", "SOME", "ALL", "ON", "USING", "AS",
            "JOIN", "BY", "OVER", "PARTITION", "INDEX", "KEY", "WHEN", "THEN", "ELSE", "CASE", "IS", "LIKE",
            "REGEXP", "RLIKE", "BETWEEN", "LATERAL", "RECURSIVE", "WITH", "COLUMNS", "NESTED", "PATH",
            "DISTINCT", "HAVING", "SET", "LIMIT", "OFFSET", "UNION", "EXCEPT", "INTERSECT", "WINDOW",
            "ROWS", "RANGE", "INTO", "TABLE", "ESCAPE", "COLLATE", "SEPARATOR", "ORDER", "GROUP", "OF",
            "UPDATE", "DELETE", "REPLACE", "INSERT", "EXPLAIN", "DESCRIBE", "DESC", "ASC", "RETURNING",
            "DUPLICATE", "STRAIGHT_JOIN", "NATURAL", "INNER", "OUTER", "CROSS", "FORCE", "IGNORE", "USE",
            "NULL", "TRUE", "FALSE", "UNKNOWN", "FOR", "LOCK", "SHARE", "MODE", "WHILE", "RETURN",
            // data types
            "CHAR", "VARCHAR", "NCHAR", "NVARCHAR", "BINARY", "VARBINARY", "DECIMAL", "DEC", "NUMERIC",
            "FLOAT", "DOUBLE", "REAL", "DATETIME", "TIME", "TIMESTAMP", "DATE", "SIGNED", "UNSIGNED",
            "INT", "INTEGER", "TINYINT", "SMALLINT", "MEDIUMINT", "BIGINT", "JSON", "YEAR", "BIT", "TEXT",
            "BLOB", "ENUM", "GEOMETRY", "ARRAY");

    /**
     * System variables whose value answers "is this the writable primary, and how far has it
     * got": an app or driver that asks wants the master's answer (a slave's read_only=1 would
     * make it believe it is connected to a replica). Identity variables such as server_id and
     * hostname are not here: "which server answered this read" is exactly what users ask a
     * read/write splitter, and they route like any read, as in MaxScale and ProxySQL.
     */
    static final Set<String> SERVER_SPECIFIC_VARIABLES = Set.of(
            "read_only", "super_read_only", "innodb_read_only", "gtid_executed", "gtid_purged", "log_bin",
            "log_bin_basename", "rpl_semi_sync_master_enabled", "rpl_semi_sync_source_enabled",
            "rpl_semi_sync_slave_enabled", "rpl_semi_sync_replica_enabled",
            // MariaDB's GTID positions, as gtid_executed is MySQL's
            "gtid_binlog_pos", "gtid_binlog_state", "gtid_current_pos", "gtid_slave_pos");

    /**
     * System variables that describe the previous statement on the same connection; MariaDB's
     * last_gtid is the GTID of the last transaction the connection committed, read right after it.
     */
    static final Set<String> PREVIOUS_STATEMENT_VARIABLES = Set.of("warning_count", "error_count", "last_gtid");

    /** Schemas whose every table is this server's own runtime state (the sys schema's views read performance_schema). */
    static final Set<String> SERVER_SPECIFIC_SCHEMAS = Set.of("performance_schema", "sys");

    /** information_schema tables about this server's threads, transactions, locks, buffers or counters. */
    static final Set<String> SERVER_SPECIFIC_INFORMATION_SCHEMA_TABLES = Set.of(
            "processlist", "innodb_trx", "innodb_locks", "innodb_lock_waits", "innodb_metrics",
            "innodb_buffer_pool_stats", "innodb_buffer_page", "innodb_buffer_page_lru", "innodb_cmp",
            "innodb_cmp_reset", "innodb_cmpmem", "innodb_cmpmem_reset", "innodb_cmp_per_index",
            "innodb_cmp_per_index_reset", "global_status", "session_status", "global_variables",
            "session_variables", "user_statistics", "client_statistics", "index_statistics", "table_statistics");

    /** System variables that carry the connection's last generated AUTO_INCREMENT value. */
    static final Set<String> LAST_INSERT_ID_VARIABLES = Set.of("last_insert_id", "identity", "insert_id");
}
