// Original file: proto/flotilla/types.proto


export interface NetworkSpecInput {
  'name'?: (string);
  'labels'?: ({[key: string]: string});
  /**
   * "overlay", the only driver.
   */
  'driver'?: (string);
  /**
   * An IPv4 CIDR; empty in a spec: the managers pick a /24 of their network pool.
   */
  'subnet'?: (string);
}

export interface NetworkSpec {
  'name': (string);
  'labels': ({[key: string]: string});
  /**
   * "overlay", the only driver.
   */
  'driver': (string);
  /**
   * An IPv4 CIDR; empty in a spec: the managers pick a /24 of their network pool.
   */
  'subnet': (string);
}
