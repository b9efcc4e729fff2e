// Original file: proto/flotilla/control.proto


export interface ListServicesRequestInput {
  /**
   * Paging: at most `limit` rows (0: all of them), from where `page_token` (a previous answer's
   * next_page_token) left off. Rows come in a stable order (by id), so a page is not repeated
   * or skipped while the list changes between calls.
   */
  'limit'?: (number);
  'pageToken'?: (string);
}

export interface ListServicesRequest {
  /**
   * Paging: at most `limit` rows (0: all of them), from where `page_token` (a previous answer's
   * next_page_token) left off. Rows come in a stable order (by id), so a page is not repeated
   * or skipped while the list changes between calls.
   */
  'limit': (number);
  'pageToken': (string);
}
