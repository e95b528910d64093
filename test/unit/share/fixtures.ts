// Share links that were handed out and must keep opening forever ("Old link versions keep
// loading"). Never edit these strings: when the link format changes, add a new fixture beside them.

/**
 * A v1 link written by the first release (src/share/link.ts, CURRENT_LINK_VERSION 1): the demo data
 * set, a start date, quarterly refits, the asymmetric strategy off, per-factor λ and κ², and a
 * tuning schedule for VLUE.
 */
export const V1_LINK =
  '#run=v1.rVNNbxoxEP0rlU-tBJHXy35xSwW0SEFKQ0ibVjkY7yw42N7E9iIQ4r93vCXpgnrsbfXmzbx547cHsgXrZG3IMOqRknvuwJPhgciSDEkJlcjSqMpYVsRxHjNG-VLktMjSJcuLsqhoGqeCimIZlTHLIYEkjyGDNB0kVZGTHjFcA04aga4_fHRSN4p7KD9hZc3d-v9oVNI6P8K5OI5ROujTqE8ZFhTv4CzpR6wfR-TYI85z2-lI244YO8CUf2DTKNUjmttNuAeZ3z4GIS58bR0Z_joQL8UGLJa-La5vcGYHmd0vZsh-bvTLLRiu_J4Mc3pGWcxnD0jRfDcB7hsLOHRwxni4WYyR4cQaykbhRqhZ2Vq3G0fJu8czFdaq_KUV_6al9EI6PT6dic-nP8fnnqbfJ-T41CONg7HZSlsbDQYv420D4WwdCDMld8HB9AcK7yWokqEoGX2Zh01aIKInJKLhPXRdggqdpw_injVSN-joYvX4cvXiKsGUTY1E5QHeCwCTm7VvbPElVzKQDsTttQZvpXhbmXeQiisH2NLFDl3dsfHhCgyluuguiGYJdqKWNDNpHoGHfORvCN-dkAiNWKikn1h4bcCI4P-1wRiCVXv0inyxkWY1tra299yuQu7oFY2xxJv2E9WtdJvr91-WBe-i3nIruRHwlatKyQqzErE0FJz__BK08WZLlFyHON_BkqvAvtAPk3E3uGvjjx2qNqv5urZ-LnjIX1jg-Bs';

/** The configuration V1_LINK carries (its canonical JSON, as serializeConfig wrote it then). */
export const V1_CONFIG_JSON =
  '{"version":1,"dataset":{"id":"defc761f72793383220abc80976b289d9f0636c0c9b1d328e5e583e7e6645f98","name":"Demo (simulated)","hash":"defc761f72793383220abc80976b289d9f0636c0c9b1d328e5e583e7e6645f98","firstDate":"2004-01-02","lastDate":"2025-12-31"},"startDate":"2006-01-03","endDate":null,"market":"SPY","factors":[{"ticker":"QUAL"},{"ticker":"MTUM","jumpPenalty":80},{"ticker":"USMV","maxFeatures":4},{"ticker":"VLUE","schedule":[{"from":"2015-01-02","jumpPenalty":20},{"from":"2019-01-02","jumpPenalty":60,"maxFeatures":6}]},{"ticker":"SIZE"},{"ticker":"IWF"}],"useEnvironment":true,"environment":{"vix":"VIX","yield2y":"DGS2","yield10y":"DGS10"},"model":{"model":"sjm","k":2,"jumpPenalty":30,"maxFeatures":9.5,"nInit":4,"seed":7},"strategies":{"symmetric":true,"asymmetric":false},"asymmetric":{"jumpPenaltyEnter":25,"jumpPenaltyExit":75},"trainMinYears":8,"trainMaxYears":12,"refitFrequency":"quarterly","trackingErrorTarget":0.03,"tau":0.05,"riskAversion":2.5,"covarianceHalflife":126,"costBps":10,"benchmarkRebalance":"quarterly","riskFreeRate":0,"longShortScale":0.05}';
