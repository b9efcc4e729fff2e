// Original file: /work/main/proto/flotilla/types.proto


export interface GlobalServiceInput {
}

export interface GlobalService {
}
