// Original file: /work/main/proto/flotilla/types.proto


export interface PlacementInput {
  'constraints'?: (string)[];
}

export interface Placement {
  'constraints': (string)[];
}
