/** Types for the official Node signer (it ships none); used by tests, fixtures and the benchmark only. */
declare module "tls-sig-api-v2" {
  export class Api {
    constructor(sdkappid: number, key: string)
    sdkappid: number
    key: string
    genUserSig(userid: string, expire: number): string
    genSig(userid: string, expire: number, userBuf: Uint8Array | null): string
    genPrivateMapKey(userid: string, expire: number, roomid: number, privilegeMap: number): string
    genPrivateMapKeyWithStringRoomID(userid: string, expire: number, roomstr: string, privilegeMap: number): string
  }
}
