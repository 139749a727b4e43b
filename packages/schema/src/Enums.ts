/**
 * The string enums of the relationship chain, spelled as Tencent spells them.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/** friend_add `AddType`: one-way or two-way (Tencent's default). @since 0.1.0 */
export const AddType = Schema.Literal("Add_Type_Single", "Add_Type_Both")
/** @since 0.1.0 */
export type AddType = typeof AddType.Type

/** friend_add `ForceAddFlags`: 1 = admin force-add. @since 0.1.0 */
export const ForceAddFlags = Schema.Literal(0, 1)
/** @since 0.1.0 */
export type ForceAddFlags = typeof ForceAddFlags.Type

/** friend_delete and friend_delete_all `DeleteType`. @since 0.1.0 */
export const DeleteType = Schema.Literal("Delete_Type_Single", "Delete_Type_Both")
/** @since 0.1.0 */
export type DeleteType = typeof DeleteType.Type

/** friend_check `CheckType`. @since 0.1.0 */
export const FriendCheckType = Schema.Literal("CheckResult_Type_Single", "CheckResult_Type_Both")
/** @since 0.1.0 */
export type FriendCheckType = typeof FriendCheckType.Type

/** friend_check `Relation` (Single answers only NoRelation or AWithB). @since 0.1.0 */
export const FriendRelation = Schema.Literal(
  "CheckResult_Type_NoRelation",
  "CheckResult_Type_AWithB",
  "CheckResult_Type_BWithA",
  "CheckResult_Type_BothWay"
)
/** @since 0.1.0 */
export type FriendRelation = typeof FriendRelation.Type

/** black_list_check `CheckType`. @since 0.1.0 */
export const BlockCheckType = Schema.Literal("BlackCheckResult_Type_Single", "BlackCheckResult_Type_Both")
/** @since 0.1.0 */
export type BlockCheckType = typeof BlockCheckType.Type

/** black_list_check `Relation`: note `_NO`, not `_NoRelation`. @since 0.1.0 */
export const BlockRelation = Schema.Literal(
  "BlackCheckResult_Type_NO",
  "BlackCheckResult_Type_AWithB",
  "BlackCheckResult_Type_BWithA",
  "BlackCheckResult_Type_BothWay"
)
/** @since 0.1.0 */
export type BlockRelation = typeof BlockRelation.Type

/** `Tag_Profile_IM_AllowType`: how an account accepts friend requests. @since 0.1.0 */
export const AllowType = Schema.Literal(
  "AllowType_Type_NeedConfirm",
  "AllowType_Type_AllowAny",
  "AllowType_Type_DenyAny"
)
/** @since 0.1.0 */
export type AllowType = typeof AllowType.Type

/** group_get `NeedFriend`. @since 0.1.0 */
export const NeedFriend = Schema.Literal("Need_Friend_Type_Yes")
/** @since 0.1.0 */
export type NeedFriend = typeof NeedFriend.Type

/** account_check `AccountStatus`. @since 0.1.0 */
export const AccountStatus = Schema.Literal("Imported", "NotImported")
/** @since 0.1.0 */
export type AccountStatus = typeof AccountStatus.Type

/** The standard friend field tags. @since 0.1.0 */
export const StandardFriendTag = Schema.Literal(
  "Tag_SNS_IM_Group",
  "Tag_SNS_IM_Remark",
  "Tag_SNS_IM_AddSource",
  "Tag_SNS_IM_AddWording",
  "Tag_SNS_IM_AddTime"
)
/** @since 0.1.0 */
export type StandardFriendTag = typeof StandardFriendTag.Type

/** `Tag_Profile_IM_Gender`. @since 0.1.0 */
export const Gender = Schema.Literal("Gender_Type_Unknown", "Gender_Type_Female", "Gender_Type_Male")
/** @since 0.1.0 */
export type Gender = typeof Gender.Type

/** `Tag_Profile_IM_AdminForbidType`: whether the admin forbids the account to send friend requests. @since 0.1.0 */
export const AdminForbidType = Schema.Literal("AdminForbid_Type_None", "AdminForbid_Type_SendOut")
/** @since 0.1.0 */
export type AdminForbidType = typeof AdminForbidType.Type

/** The standard profile field tags (trtc.io/document/33520). @since 0.1.0 */
export const ProfileTag = Schema.Literal(
  "Tag_Profile_IM_Nick",
  "Tag_Profile_IM_Gender",
  "Tag_Profile_IM_BirthDay",
  "Tag_Profile_IM_Location",
  "Tag_Profile_IM_SelfSignature",
  "Tag_Profile_IM_AllowType",
  "Tag_Profile_IM_Language",
  "Tag_Profile_IM_Image",
  "Tag_Profile_IM_MsgSettings",
  "Tag_Profile_IM_AdminForbidType",
  "Tag_Profile_IM_Level",
  "Tag_Profile_IM_Role"
)
/** @since 0.1.0 */
export type ProfileTag = typeof ProfileTag.Type
