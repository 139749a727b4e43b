import * as TimError from "../TimError.js"

/** The codes every relationship-chain read can answer. */
export const snsRead = [
  TimError.InvalidParameters,
  TimError.AccountNotFound,
  TimError.SnsAdminRequired,
  TimError.ServerInternalError,
  TimError.ServerTimeout
] as const

/** The codes every relationship-chain write can answer: a read's, a bad SDKAppID and a write conflict. */
export const snsWrite = [...snsRead, TimError.SdkAppIdIllegal, TimError.WriteConflict] as const
