// The module's filters for the API's locations.
#pragma once

#include "ngx_wa.hpp"

namespace wa {

// Installs them (postconfiguration): JSON for the errors nginx produces in
// the API's locations, and the request body limits.
ngx_int_t install_filters();

}  // namespace wa
