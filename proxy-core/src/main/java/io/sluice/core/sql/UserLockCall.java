package io.sluice.core.sql;

/**
 * A GET_LOCK or RELEASE_LOCK call.
 *
 * @param name the lock name when written as a string literal, otherwise null (an expression
 *             or placeholder whose value the proxy cannot know)
 */
public record UserLockCall(boolean acquire, String name) {
}
