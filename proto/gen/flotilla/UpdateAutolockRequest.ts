// Original file: proto/flotilla/control.proto


export interface UpdateAutolockRequestInput {
  'autolock'?: (boolean);
}

export interface UpdateAutolockRequest {
  'autolock': (boolean);
}
