// Original file: proto/flotilla/types.proto


/**
 * Runs one task to completion on every eligible node.
 */
export interface GlobalJobInput {
}

/**
 * Runs one task to completion on every eligible node.
 */
export interface GlobalJob {
}
