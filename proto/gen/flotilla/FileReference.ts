// Original file: proto/flotilla/types.proto


/**
 * A secret or a config as a task sees it.
 */
export interface FileReferenceInput {
  /**
   * The secret's or config's id (a spec may name it; the API stores the id) and its name.
   */
  'id'?: (string);
  'name'?: (string);
  /**
   * Where the file is: a secret's default is its name under /run/secrets, a config's is
   * /NAME; a relative target is under /run/secrets. For a plain process ("host") task, the
   * file is at the same path under the directory FLOTILLA_SECRETS_DIR names.
   */
  'target'?: (string);
  /**
   * Owner and mode of the file; defaults: uid and gid 0 (a host task's own user), mode 0444.
   */
  'uid'?: (string);
  'gid'?: (string);
  'mode'?: (number);
  /**
   * Also put the value in this environment variable (only when the user asks).
   */
  'env'?: (string);
}

/**
 * A secret or a config as a task sees it.
 */
export interface FileReference {
  /**
   * The secret's or config's id (a spec may name it; the API stores the id) and its name.
   */
  'id': (string);
  'name': (string);
  /**
   * Where the file is: a secret's default is its name under /run/secrets, a config's is
   * /NAME; a relative target is under /run/secrets. For a plain process ("host") task, the
   * file is at the same path under the directory FLOTILLA_SECRETS_DIR names.
   */
  'target': (string);
  /**
   * Owner and mode of the file; defaults: uid and gid 0 (a host task's own user), mode 0444.
   */
  'uid': (string);
  'gid': (string);
  'mode': (number);
  /**
   * Also put the value in this environment variable (only when the user asks).
   */
  'env': (string);
}
