// Original file: proto/flotilla/types.proto


export interface PlacementPreferenceInput {
  /**
   * A node label, e.g. node.labels.zone.
   */
  'spread'?: (string);
}

export interface PlacementPreference {
  /**
   * A node label, e.g. node.labels.zone.
   */
  'spread': (string);
}
