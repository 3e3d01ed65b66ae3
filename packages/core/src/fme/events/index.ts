export {
  FME_BROWSER_SDK,
  FME_HOST,
  FME_NODE_SDK,
  FME_SDK_NAME,
  FME_SDK_VERSION,
  type FmeEventClock,
  type FmeEventRequest,
  type FmeEventSource,
  type FmeImpressionContext,
  type FmeSdkIdentity,
  type FmeUserEventContext,
  fmeAttributeRequest,
  fmeCustomEventRequest,
  fmeImpressionRequest,
} from './requests.js';
export { fmeDebugEventRequest, fmeSdkInitRequest, fmeSdkVisitorId, fmeUsageStatsRequest } from './sdk-events.js';
