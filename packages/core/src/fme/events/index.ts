export {
  FME_HOST,
  FME_SDK_NAME,
  FME_SDK_VERSION,
  type FmeEventClock,
  type FmeEventRequest,
  type FmeEventSource,
  type FmeImpressionContext,
  type FmeUserEventContext,
  fmeAttributeRequest,
  fmeCustomEventRequest,
  fmeImpressionRequest,
} from './requests.js';
export { fmeDebugEventRequest, fmeSdkInitRequest, fmeSdkVisitorId, fmeUsageStatsRequest } from './sdk-events.js';
