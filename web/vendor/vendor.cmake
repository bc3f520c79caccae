# vendor.cmake - installs web/vendor's locked packages with `npm ci` in the
# build tree and copies the files the console loads into OUT/ (served under
# /vendor/). Never fails the build: without npm or the registry it warns
# and leaves OUT/ without pdf.js. Never writes into the source tree.
# cmake -DNPM=npm -DSRC=web/vendor -DWORK=dir -DOUT=dir -DSTAMP=file -P vendor.cmake
file(MAKE_DIRECTORY ${WORK})
file(COPY ${SRC}/package.json ${SRC}/package-lock.json DESTINATION ${WORK})
set(pdfjs ${WORK}/node_modules/pdfjs-dist)
set(ok FALSE)
# no install scripts and no optional native packages: only the browser build is used
execute_process(COMMAND ${NPM} ci --omit=optional --ignore-scripts --no-audit --no-fund
                        --fetch-timeout=20000 --fetch-retries=1
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out
                TIMEOUT 300)
if(rc EQUAL 0)
  set(ok TRUE)
else()
  string(REGEX REPLACE ".*(.{0,400})$" "\\1" tail "${out}")
  # the stamp is written anyway so an offline build does not retry every time
  message(WARNING "npm ci for the web console's pdf.js failed (${rc}); PDF previews will be blank pages. "
                  "Remove ${STAMP} to retry.\n${tail}")
endif()
if(ok)
  file(REMOVE_RECURSE ${OUT}/pdfjs)
  file(MAKE_DIRECTORY ${OUT}/pdfjs)
  foreach(f build/pdf.min.mjs build/pdf.worker.min.mjs LICENSE)
    if(NOT EXISTS ${pdfjs}/${f})
      message(WARNING "pdfjs-dist has no ${f}; PDF previews will be missing")
      set(ok FALSE)
    else()
      file(COPY ${pdfjs}/${f} DESTINATION ${OUT}/pdfjs)
    endif()
  endforeach()
endif()
file(TOUCH ${STAMP})
