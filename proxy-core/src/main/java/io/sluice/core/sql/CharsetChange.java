package io.sluice.core.sql;

/**
 * SET NAMES or SET CHARACTER SET.
 *
 * <p>They differ: SET NAMES x sets character_set_client, _connection and _results to x;
 * SET CHARACTER SET x sets _client and _results to x and _connection to the schema's charset.
 *
 * @param names     true for SET NAMES, false for SET CHARACTER SET / SET CHARSET
 * @param charset   lower-case charset name without quotes, or {@code default}
 * @param collation lower-case collation name, or null when no COLLATE clause was written
 */
public record CharsetChange(boolean names, String charset, String collation) {
}
