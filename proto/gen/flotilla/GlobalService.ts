// Original file: proto/flotilla/types.proto


export interface GlobalServiceInput {
}

export interface GlobalService {
}
