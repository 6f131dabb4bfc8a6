from tap_bookings_sdk.tap import TapBookingsSDK

TapBookingsSDK.cli()
