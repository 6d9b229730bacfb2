#include "delivery.hpp"

namespace wa {

const char* delivery_state_name(DeliveryState s) {
    switch (s) {
    case DeliveryState::sent: return "sent";
    case DeliveryState::delivered: return "delivered";
    case DeliveryState::read: return "read";
    case DeliveryState::failed: return "failed";
    }
    return "";
}

}  // namespace wa
