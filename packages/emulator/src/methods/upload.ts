/**
 * upload.*: saving file parts (upload.saveFilePart for files up to 10 MB, upload.saveBigFilePart above) and
 * reading stored documents and photos back (upload.getFile), as core.telegram.org/api/files describes.
 * Parts are kept per account; messages.sendMedia (messages.ts) turns them into a file.
 */
import type { Api } from "telegram";
import type { MethodTable } from "../rpc/context.js";

export const uploadMethods: MethodTable = {
  "upload.SaveFilePart": (request: Api.upload.SaveFilePart, ctx) => {
    const user = ctx.requireUser();
    ctx.world.uploads.save(ctx.world, user.id, false, { fileId: request.fileId, part: request.filePart, bytes: request.bytes });
    return true;
  },

  "upload.SaveBigFilePart": (request: Api.upload.SaveBigFilePart, ctx) => {
    const user = ctx.requireUser();
    ctx.world.uploads.save(ctx.world, user.id, true, {
      fileId: request.fileId,
      part: request.filePart,
      totalParts: request.fileTotalParts,
      bytes: request.bytes,
    });
    return true;
  },

  "upload.GetFile": (request: Api.upload.GetFile, ctx) => {
    ctx.requireUser();
    const dcId = ctx.world.dcOfKey(ctx.authKeyId);
    return ctx.world.files.read(request.location, Number(request.offset.toString()), request.limit, request.precise === true, dcId);
  },
};
