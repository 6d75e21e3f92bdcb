/**
 * Constructor ids of the MTProto layer (https://core.telegram.org/schema/mtproto) that the server
 * reads or writes itself, without GramJS's API classes.
 */
export const ID = {
  // Auth key creation (plain messages).
  reqPq: 0x60469778,
  reqPqMulti: 0xbe7e8ef1,
  resPQ: 0x05162463,
  pqInnerData: 0x83c95aec,
  pqInnerDataDc: 0xa9f55f95,
  pqInnerDataTemp: 0x3c6a84d4,
  pqInnerDataTempDc: 0x56fddf88,
  reqDHParams: 0xd712e4be,
  serverDHParamsOk: 0xd0e8075c,
  serverDHInnerData: 0xb5890dba,
  setClientDHParams: 0xf5045f1f,
  clientDHInnerData: 0x6643b654,
  dhGenOk: 0x3bcbf734,
  dhGenRetry: 0x46dc1fb9,
  dhGenFail: 0xa69dae02,

  // Envelopes.
  rpcResult: 0xf35c6d01,
  rpcError: 0x2144ca19,
  msgContainer: 0x73f1f8dc,
  gzipPacked: 0x3072cfa1,

  // Service messages.
  msgsAck: 0x62d6b459,
  badMsgNotification: 0xa7eff811,
  badServerSalt: 0xedab447b,
  msgsStateReq: 0xda69fb52,
  msgsStateInfo: 0x04deb57d,
  msgsAllInfo: 0x8cc0d131,
  msgDetailedInfo: 0x276d3ec6,
  msgNewDetailedInfo: 0x809db6df,
  msgResendReq: 0x7d861a08,
  msgResendAnsReq: 0x8610baeb,
  rpcDropAnswer: 0x58e4a740,
  rpcAnswerUnknown: 0x5e2ad36e,
  rpcAnswerDroppedRunning: 0xcd78e586,
  getFutureSalts: 0xb921bd04,
  futureSalts: 0xae500895,
  ping: 0x7abe77ec,
  pingDelayDisconnect: 0xf3427b8c,
  pong: 0x347773c5,
  destroySession: 0xe7512126,
  destroySessionOk: 0xe22045fc,
  destroySessionNone: 0x62d350c9,
  newSessionCreated: 0x9ec20908,
  httpWait: 0x9299359f,

  // Results the server serializes itself.
  boolTrue: 0x997275b5,
  boolFalse: 0xbc799737,
} as const;
