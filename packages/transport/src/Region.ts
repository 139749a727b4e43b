/**
 * Tencent Cloud Chat data centers and the REST domains that serve them (spec §1.2).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * A data center, as the client's `region` option and `TIM_REGION` name it.
 *
 * @since 0.1.0
 */
export const Region = Schema.Literal(
  "china",
  "singapore",
  "seoul",
  "tokyo",
  "frankfurt",
  "mumbai",
  "silicon-valley",
  "jakarta"
)

/**
 * @since 0.1.0
 */
export type Region = typeof Region.Type

/**
 * Every region, in the order of the spec's table.
 *
 * @since 0.1.0
 */
export const regions: ReadonlyArray<Region> = Region.literals

/**
 * The region used when neither `region` nor `endpoint` is given (Tencent's own SDKs default to it).
 *
 * @since 0.1.0
 */
export const defaultRegion: Region = "china"

/**
 * The REST domain of each region.
 *
 * @since 0.1.0
 */
export const domains: { readonly [R in Region]: string } = {
  china: "console.tim.qq.com",
  singapore: "adminapisgp.im.qcloud.com",
  seoul: "adminapikr.im.qcloud.com",
  tokyo: "adminapijpn.im.qcloud.com",
  frankfurt: "adminapiger.im.qcloud.com",
  mumbai: "adminapiind.im.qcloud.com",
  "silicon-valley": "adminapiusa.im.qcloud.com",
  jakarta: "adminapiidn.im.qcloud.com"
}

/**
 * The documented backup domain of each region, for use when DNS is hijacked (none is documented for Tokyo).
 *
 * @since 0.1.0
 */
export const backupDomains: { readonly [R in Region]?: string } = {
  china: "adminapi.my-imcloud.com",
  singapore: "adminapisgp.my-imcloud.com",
  seoul: "adminapikr.my-imcloud.com",
  frankfurt: "adminapiger.my-imcloud.com",
  mumbai: "adminapiind.my-imcloud.com",
  "silicon-valley": "adminapiusa.my-imcloud.com",
  jakarta: "adminapiidn.my-imcloud.com"
}

/**
 * Whether a string names a region.
 *
 * @since 0.1.0
 */
export const isRegion: (u: unknown) => u is Region = Schema.is(Region)

/**
 * The base URL of a region, e.g. `https://adminapisgp.im.qcloud.com`.
 *
 * @since 0.1.0
 */
export const baseUrl = (region: Region): string => `https://${domains[region]}`
