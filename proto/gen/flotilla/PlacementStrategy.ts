// Original file: proto/flotilla/types.proto

export const PlacementStrategy = {
  /**
   * The fewest tasks of the service first.
   */
  SPREAD: 'SPREAD',
  /**
   * The fullest node that fits first.
   */
  BINPACK: 'BINPACK',
} as const;

export type PlacementStrategyInput =
  /**
   * The fewest tasks of the service first.
   */
  | 'SPREAD'
  | 0
  /**
   * The fullest node that fits first.
   */
  | 'BINPACK'
  | 1

export type PlacementStrategy = typeof PlacementStrategy[keyof typeof PlacementStrategy]
